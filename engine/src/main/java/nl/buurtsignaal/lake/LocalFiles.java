package nl.buurtsignaal.lake;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Hadoop's local file system without its shell commands. Without Hadoop's native library,
 * {@link RawLocalFileSystem} starts a {@code chmod} process for every file and folder it creates
 * and a {@code readlink} process for every status Delta's log store asks for: about 650 processes
 * in the demo, several milliseconds each on the driver's critical path. These classes set the same
 * permissions through java.nio and answer link status without a process; symbolic links and
 * special modes still go to Hadoop's own code. Installed for the {@code file:} scheme by
 * {@link SparkSessions}; other file systems (HDFS, S3A) are untouched.
 */
public final class LocalFiles {
    private LocalFiles() {
    }

    /** The settings that install these classes for {@code file:} paths. */
    public static void install(Configuration hadoop) {
        hadoop.set("fs.file.impl", FileSystem.class.getName());
        hadoop.set("fs.AbstractFileSystem.file.impl", Fs.class.getName());
    }

    /** {@code fs.file.impl}: Hadoop's checksummed local file system over {@link Raw}. */
    public static final class FileSystem extends LocalFileSystem {
        public FileSystem() {
            super(new Raw());
        }
    }

    /** {@code fs.AbstractFileSystem.file.impl}, used through FileContext by Delta's log store. */
    public static final class Fs extends ChecksumFs {
        public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(new RawFs(uri, conf));
        }
    }

    static final class RawFs extends DelegateToFileSystem {
        RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(uri, new Raw(), conf, "file", false);
        }
    }

    /** The raw local file system with java.nio for permissions and link status. */
    public static final class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            if (permission.getStickyBit()) {
                super.setPermission(p, permission);
                return;
            }
            try {
                Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission));
            } catch (UnsupportedOperationException e) {
                super.setPermission(p, permission);
            }
        }

        @Override
        public FileStatus getFileLinkStatus(Path f) throws IOException {
            if (Files.isSymbolicLink(pathToFile(f).toPath())) {
                return super.getFileLinkStatus(f);
            }
            return getFileStatus(f);
        }

        static Set<PosixFilePermission> posix(FsPermission permission) {
            Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
            add(result, permission.getUserAction(), PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
            add(result, permission.getGroupAction(), PosixFilePermission.GROUP_READ,
                    PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE);
            add(result, permission.getOtherAction(), PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
            return result;
        }

        private static void add(Set<PosixFilePermission> result, FsAction action, PosixFilePermission read,
                                PosixFilePermission write, PosixFilePermission execute) {
            if (action.implies(FsAction.READ)) {
                result.add(read);
            }
            if (action.implies(FsAction.WRITE)) {
                result.add(write);
            }
            if (action.implies(FsAction.EXECUTE)) {
                result.add(execute);
            }
        }
    }
}
