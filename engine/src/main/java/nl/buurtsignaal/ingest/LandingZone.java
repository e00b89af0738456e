package nl.buurtsignaal.ingest;

import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.lake.Lake;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The landing zone as the driver reads it (folders, manifests, checksums) through Hadoop's
 * FileSystem: the same file system the executors read its data files from, so a landing zone on
 * HDFS ({@code hdfs://…/landing}) or a local folder behave alike.
 */
public final class LandingZone {
    private final FileSystem fs;
    private final Path root;

    private LandingZone(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    public static LandingZone open(SparkSession spark, String location) {
        Path root = new Path(Lake.normalise(location));
        try {
            FileSystem fs = root.getFileSystem(spark.sessionState().newHadoopConf());
            return new LandingZone(fs, fs.makeQualified(root));
        } catch (IOException e) {
            throw new UsageException("no file system for the landing zone " + location + ": " + e.getMessage());
        }
    }

    public Path root() {
        return root;
    }

    public boolean isDirectory(Path path) {
        return status(path) != null && status(path).isDirectory();
    }

    public boolean isFile(Path path) {
        FileStatus status = status(path);
        return status != null && status.isFile();
    }

    /** A folder's entries sorted by name (delivery ids sort by date); none when it does not exist. */
    public List<Path> list(Path dir) {
        try {
            return Arrays.stream(fs.listStatus(dir)).map(FileStatus::getPath)
                    .sorted(Comparator.comparing(Path::getName)).toList();
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UsageException("cannot list " + dir);
        }
    }

    public InputStream open(Path file) throws IOException {
        return fs.open(file);
    }

    /** Bytes of the files under a folder: the size of a delivery. */
    public long bytesUnder(Path dir) {
        try {
            return fs.getContentSummary(dir).getLength();
        } catch (IOException e) {
            return 0;
        }
    }

    private FileStatus status(Path path) {
        try {
            return fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new UsageException("cannot read " + path);
        }
    }

    /**
     * Why a delivery folder is not plain, or null when it is: the folder, its source folder and every
     * entry in it must be what they seem, never a symbolic link (which would make the engine read
     * whatever it points at, the key file included), and every entry a regular file (no device, pipe,
     * socket or sub-folder). Looked at without following links.
     */
    public String irregular(Path deliveryDir) {
        List<Path> entries = new java.util.ArrayList<>(List.of(deliveryDir.getParent(), deliveryDir));
        try {
            if (!"file".equals(fs.getScheme())) {
                for (Path p : entries) {
                    if (fs.getFileLinkStatus(p).isSymlink()) {
                        return "the folder " + p.getName() + " is a symbolic link: a delivery is read without following links";
                    }
                }
                for (FileStatus st : fs.listStatus(deliveryDir)) {
                    FileStatus own = fs.getFileLinkStatus(st.getPath());
                    if (own.isSymlink() || !own.isFile()) {
                        return st.getPath().getName() + (own.isSymlink() ? " is a symbolic link" : " is not a regular file")
                                + ": a delivery holds regular files only";
                    }
                }
                return null;
            }
            for (Path p : entries) {
                if (java.nio.file.Files.isSymbolicLink(local(p))) {
                    return "the folder " + p.getName() + " is a symbolic link: a delivery is read without following links";
                }
            }
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(local(deliveryDir))) {
                for (java.nio.file.Path f : files.sorted().toList()) {
                    java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(f,
                            java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    if (!a.isRegularFile()) {
                        return f.getFileName() + (a.isSymbolicLink() ? " is a symbolic link" : " is not a regular file")
                                + ": a delivery holds regular files only";
                    }
                }
            }
            return null;
        } catch (IOException e) {
            throw new UsageException("cannot read the delivery folder " + deliveryDir);
        }
    }

    private static java.nio.file.Path local(Path p) {
        return java.nio.file.Path.of(p.toUri());
    }
}
