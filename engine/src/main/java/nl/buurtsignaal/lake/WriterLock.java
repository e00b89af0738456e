package nl.buurtsignaal.lake;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * The lake's writer lock on {@code <lake>/.writer.lock}, released when the holder closes it or its
 * process ends in any way (also by SIGKILL), so a killed job never leaves a stale lock behind:
 * <ul>
 * <li>a local lake: an operating-system lock on the file, released with the process;</li>
 * <li>HDFS: the NameNode's lease on the file, held by keeping it open for appending; a second
 * writer's append is refused while the lease lives, and a dead holder's lease expires (the
 * NameNode's soft limit, a minute by default), after which the waiting writer takes over;</li>
 * <li>other stores (S3): a {@link Lease} on {@code <lake>/_leases/writer.lease}, renewed while the
 * writer works; a writer that dies leaves it to expire (leases.expiry_seconds), after which the
 * waiting writer takes over.</li>
 * </ul>
 * Within one JVM (tests, the demo) the lock is re-entrant.
 */
public final class WriterLock implements AutoCloseable {
    private static final java.util.Map<String, WriterLock> HELD = new java.util.HashMap<>();
    private static final long RETRY_MILLIS = 2_000;

    private final String key;
    private final String lakeRoot;
    private final Closeable release;
    /** Whether the lock still holds: always for an OS lock or an HDFS lease, while renewed for a lease file. */
    private final java.util.function.BooleanSupplier holding;
    private int holds = 1;

    private WriterLock(String key, String lakeRoot, Closeable release, java.util.function.BooleanSupplier holding) {
        this.key = key;
        this.lakeRoot = lakeRoot;
        this.release = release;
        this.holding = holding;
    }

    /**
     * Refuses to go on writing to a lake whose writer lease this process has lost (the store was
     * away longer than leases.expiry_seconds, and another writer may have taken over): the lake's
     * every write asks this first, so nothing is committed after the loss.
     */
    static void ensureHeld(String lakeRoot) {
        synchronized (HELD) {
            for (WriterLock lock : HELD.values()) {
                if (lock.lakeRoot.equals(lakeRoot) && !lock.holding.getAsBoolean()) {
                    throw new LostLock("this command lost the lake's writer lease (the store did not answer for longer than"
                            + " leases.expiry_seconds, so another writer may have taken over); it stops before writing more:"
                            + " run it again");
                }
            }
        }
    }

    /** The lock was lost while this process held it: the command line says so in its own words. */
    public static final class LostLock extends nl.buurtsignaal.base.EngineException {
        LostLock(String message) {
            super(message);
        }
    }

    static WriterLock acquire(Lake lake, FileSystem fs, Consumer<String> onWait) {
        if (lake.isLocal()) {
            return acquireLocal(Path.of(lake.root()), onWait);
        }
        return acquire(lake.root(), fs, lake.leases(), onWait);
    }

    /** The lock of a lake on a Hadoop file system: the NameNode's lease on HDFS, a lease file elsewhere. */
    public static WriterLock acquire(String lakeRoot, FileSystem fs, nl.buurtsignaal.config.Settings.Leases leases,
                                     Consumer<String> onWait) {
        boolean hdfs = "hdfs".equals(fs.getScheme());
        org.apache.hadoop.fs.Path file = hdfs ? new org.apache.hadoop.fs.Path(lakeRoot, ".writer.lock")
                : new org.apache.hadoop.fs.Path(lakeRoot, Lease.FOLDER + "/writer.lease");
        String key = file + "@" + System.identityHashCode(fs);
        synchronized (HELD) {
            WriterLock held = HELD.get(key);
            if (held != null) {
                held.holds++;
                return held;
            }
        }
        // waiting for another process's lease happens outside the monitor: closing a lock needs it
        Closeable release;
        java.util.function.BooleanSupplier holding;
        if (hdfs) {
            release = leaseLock(fs, file, onWait);
            holding = () -> true;
        } else {
            Lease lease = leaseFile(fs, file, leases, onWait);
            release = lease::close;
            holding = lease::held;
        }
        synchronized (HELD) {
            WriterLock writerLock = new WriterLock(key, lakeRoot, release, holding);
            HELD.put(key, writerLock);
            return writerLock;
        }
    }

    private static Lease leaseFile(FileSystem fs, org.apache.hadoop.fs.Path file,
                                       nl.buurtsignaal.config.Settings.Leases leases, Consumer<String> onWait) {
        if (leases == null) {
            throw new IllegalStateException("a lake on " + fs.getScheme() + " locks with a lease: open it with the settings' leases");
        }
        return Lease.take(fs, file, leases, holder -> onWait.accept("another buurtsignaal command (" + holder.holder()
                + ") is writing to this lake; waiting for it to finish or for its lease to expire at " + holder.expiresAt()));
    }

    private static Closeable leaseLock(FileSystem fs, org.apache.hadoop.fs.Path file, Consumer<String> onWait) {
        boolean told = false;
        while (true) {
            try {
                FSDataOutputStream out = fs.exists(file) ? fs.append(file) : fs.create(file, false);
                out.hflush();
                return out;
            } catch (FileAlreadyExistsException e) {
                // another writer created the file a moment ago: its lease decides, next round
            } catch (IOException e) {
                if (!heldByAnother(e)) {
                    throw new IllegalStateException("cannot lock the lake for writing: " + file + ": " + e.getMessage(), e);
                }
                if (!told) {
                    onWait.accept("another buurtsignaal command is writing to this lake; waiting for it to finish");
                    told = true;
                }
                sleep();
            }
        }
    }

    /** The NameNode refuses an append while another client holds the file's lease, or recovers a dead holder's. */
    private static boolean heldByAnother(IOException e) {
        String text = e.getClass().getName() + " " + e.getMessage();
        return text.contains("AlreadyBeingCreatedException") || text.contains("RecoveryInProgressException")
                || text.contains("lease");
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the lake's writer lock", e);
        }
    }

    private static WriterLock acquireLocal(Path lakeRoot, Consumer<String> onWait) {
        Path file = lakeRoot.resolve(".writer.lock");
        String key = file.toString();
        synchronized (HELD) {
            WriterLock held = HELD.get(key);
            if (held != null) {
                held.holds++;
                return held;
            }
            try {
                Files.createDirectories(lakeRoot);
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    onWait.accept("another buurtsignaal command is writing to this lake; waiting for it to finish");
                    lock = channel.lock();
                }
                WriterLock writerLock = new WriterLock(key, lakeRoot.toString(), channel, () -> true);
                HELD.put(key, writerLock);
                return writerLock;
            } catch (IOException | OverlappingFileLockException e) {
                throw new IllegalStateException("cannot lock the lake for writing: " + file, e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (HELD) {
            if (--holds > 0) {
                return;
            }
            HELD.remove(key);
            try {
                // closing the channel releases the OS lock; closing the stream ends the HDFS lease
                release.close();
            } catch (IOException e) {
                // a dead stream's lease expires on its own
            }
        }
    }
}
