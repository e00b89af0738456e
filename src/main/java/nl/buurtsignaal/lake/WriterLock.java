package nl.buurtsignaal.lake;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * The lake's writer lock: an operating-system lock on {@code <lake>/.writer.lock}, released when
 * the holder closes it or its process ends (also by SIGKILL), so a killed job never leaves a stale
 * lock behind. Within one JVM (tests, the demo) the lock is re-entrant.
 */
public final class WriterLock implements AutoCloseable {
    private static final java.util.Map<Path, WriterLock> HELD = new java.util.HashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private int holds = 1;

    private WriterLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    static WriterLock acquire(Path lakeRoot, Consumer<String> onWait) {
        Path file = lakeRoot.resolve(".writer.lock");
        synchronized (HELD) {
            WriterLock held = HELD.get(file);
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
                WriterLock writerLock = new WriterLock(file, channel, lock);
                HELD.put(file, writerLock);
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
            HELD.remove(file);
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // closing the channel releases the lock in any case
            }
        }
    }
}
