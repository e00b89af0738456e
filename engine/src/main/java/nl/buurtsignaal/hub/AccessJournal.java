package nl.buurtsignaal.hub;

import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.Settings;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Lease;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Where a service (the hub, serve) keeps the access entries it has not yet committed to audit.access,
 * and the lock that allows one such service per lake. Both live with the lake, so that a second
 * service on the same lake is refused wherever it runs and a journal survives its machine:
 * <ul>
 * <li>a local lake: a journal file appended and forced to disk per entry, locked by the operating
 * system (released when the process ends in any way);</li>
 * <li>a lake on a Hadoop file system (HDFS, S3): one small file per entry under
 * {@code <lake>/_journal/<service>/}, written before the request returns, and a {@link Lease} on
 * {@code <lake>/_leases/<service>.lease}.</li>
 * </ul>
 */
interface AccessJournal {
    /** Locks (refusing if another service holds the lake) and prepares the journal. */
    void open();

    /** One entry, durable before this returns. */
    void append(String line);

    /** The entries not yet committed, oldest first, and a way to forget exactly those. */
    Pending pending();

    /** Unlocks; the journal is empty (flushed before). */
    void close();

    /** Entries read from the journal, and how to remove exactly those once they are committed. */
    record Pending(List<String> lines, Runnable forget) {
        void forgetThem() {
            forget.run();
        }
    }

    static AccessJournal of(Lake lake, String service, Settings.Leases leases) {
        if (lake.isLocal()) {
            return new FileJournal(Path.of(lake.root(), "." + service + "-access-journal"), service);
        }
        return new LakeJournal(lake.fileSystem(), new org.apache.hadoop.fs.Path(lake.root()), service, leases);
    }

    /** A journal file beside the lake's tables, locked by the operating system. */
    final class FileJournal implements AccessJournal {
        private final Path journal;
        private final String service;
        private FileChannel channel;
        private FileChannel lockChannel;

        FileJournal(Path journal, String service) {
            this.journal = journal;
            this.service = service;
        }

        @Override
        public void open() {
            try {
                Files.createDirectories(journal.toAbsolutePath().getParent());
                // A lock file of its own, opened nowhere else: closing any other channel on a locked file
                // would release the lock (POSIX record locks are per process and file).
                Path lockFile = journal.resolveSibling(journal.getFileName() + ".lock");
                lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = lockChannel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    lockChannel.close();
                    throw new UsageException("another " + service + " serves this lake (" + lockFile
                            + " is locked): run one " + service + " per lake");
                }
                channel = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the access journal " + journal, e);
            }
        }

        @Override
        public void append(String line) {
            try {
                channel.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the access journal " + journal, e);
            }
        }

        @Override
        public Pending pending() {
            List<String> lines;
            try {
                lines = Files.exists(journal) ? Files.readAllLines(journal, StandardCharsets.UTF_8) : List.of();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the access journal " + journal, e);
            }
            return new Pending(lines, () -> {
                try {
                    // entries are appended under the access log's monitor, so none came in between
                    channel.truncate(0);
                    channel.force(true);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot empty the access journal " + journal, e);
                }
            });
        }

        @Override
        public void close() {
            try {
                channel.close();
                Files.deleteIfExists(journal);
                lockChannel.close();
            } catch (IOException e) {
                // the journal is empty: nothing is lost
            }
        }
    }

    /** One file per entry in the lake, and a lease: for stores that cannot append or lock (S3), and HDFS. */
    final class LakeJournal implements AccessJournal {
        private final FileSystem fs;
        private final org.apache.hadoop.fs.Path folder;
        private final org.apache.hadoop.fs.Path leaseFile;
        private final String service;
        private final Settings.Leases leases;
        private Lease lease;
        private long sequence;
        private final String writer = Long.toHexString(System.nanoTime());

        LakeJournal(FileSystem fs, org.apache.hadoop.fs.Path lakeRoot, String service, Settings.Leases leases) {
            this.fs = fs;
            this.folder = new org.apache.hadoop.fs.Path(lakeRoot, "_journal/" + service);
            this.leaseFile = new org.apache.hadoop.fs.Path(lakeRoot, Lease.FOLDER + "/" + service + ".lease");
            this.service = service;
            this.leases = leases;
        }

        @Override
        public void open() {
            if (leases == null) {
                throw new IllegalStateException("a lake on " + fs.getScheme() + " locks with a lease: open it with the settings' leases");
            }
            lease = Lease.tryTake(fs, leaseFile, leases).orElseThrow(() -> new UsageException("another " + service
                    + " serves this lake (" + holderOf(leaseFile) + "): run one " + service + " per lake"));
        }

        private String holderOf(org.apache.hadoop.fs.Path leaseFile) {
            try {
                return Lease.current(fs, leaseFile).map(h -> "held by " + h.holder() + " until " + h.expiresAt())
                        .orElse("its lease is being taken");
            } catch (UncheckedIOException e) {
                return "its lease cannot be read now";
            }
        }

        /**
         * The lease must still be this process's before anything is answered or committed: one lost
         * (the store away longer than the expiry) is taken back if no other took it meanwhile; if
         * another did, this one answers nothing more.
         */
        private void ensureLease() {
            if (lease != null && lease.held()) {
                return;
            }
            if (lease != null) {
                lease.close();
                lease = Lease.tryTake(fs, leaseFile, leases).orElse(null);
                System.err.println("buurtsignaal: " + service + " " + (lease != null ? "took its lapsed lease on the lake back"
                        : "lost its lease on the lake (" + holderOf(leaseFile) + ") and answers nothing more: stop it"));
            }
            if (lease == null) {
                throw new Refused(503, "this " + service + " lost its lease on the lake to another " + service
                        + "; it answers nothing more");
            }
        }

        @Override
        public void append(String line) {
            ensureLease();
            // names sort in the order written: the time, then this process's sequence
            String name = String.format("%013d-%s-%09d.json", System.currentTimeMillis(), writer, sequence++);
            try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(folder, name), false)) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the access journal " + folder + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Pending pending() {
            ensureLease();
            List<FileStatus> files;
            try {
                files = new ArrayList<>(Arrays.asList(fs.listStatus(folder)));
            } catch (FileNotFoundException e) {
                files = new ArrayList<>();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the access journal " + folder + ": " + e.getMessage(), e);
            }
            files.removeIf(f -> !f.getPath().getName().endsWith(".json"));
            files.sort(Comparator.comparing(f -> f.getPath().getName()));
            List<String> lines = new ArrayList<>();
            for (FileStatus file : files) {
                try (var in = fs.open(file.getPath())) {
                    lines.add(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
                } catch (FileNotFoundException e) {
                    // forgotten meanwhile
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the access journal " + file.getPath() + ": " + e.getMessage(), e);
                }
            }
            List<FileStatus> read = files;
            return new Pending(lines, () -> {
                for (FileStatus file : read) {
                    try {
                        fs.delete(file.getPath(), false);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot empty the access journal " + folder + ": " + e.getMessage(), e);
                    }
                }
            });
        }

        @Override
        public void close() {
            if (lease != null) {
                lease.close();
            }
        }
    }
}
