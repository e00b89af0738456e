package nl.buurtsignaal.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures consecutive stages of one system: wall time, peak JVM heap (the sum of the heap pools'
 * peaks, an upper bound), peak process RSS (Linux VmHWM, reset at each stage start where the
 * kernel allows it) and the Delta files the stage added under a lake.
 */
final class StageMeter {
    record Measured(String stage, double seconds, long peakHeapBytes, long peakRssBytes, long dataFiles, long logFiles,
                    long jobs, double jobSeconds) {
    }

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    private final Path lake;
    private final List<Measured> measured = new ArrayList<>();
    private String current;
    private long startedNanos;
    private long[] filesAtStart;
    private final JobClock jobClock;
    private long[] jobsAtStart = {0, 0};

    /** @param lake the lake whose files to count, or null for a system without one */
    StageMeter(Path lake) {
        this(lake, null);
    }

    /** @param jobClock Spark's jobs, counted per stage; null for a system without Spark */
    StageMeter(Path lake, JobClock jobClock) {
        this.lake = lake;
        this.jobClock = jobClock;
    }

    /** Ends the running stage, if any, and starts {@code stage}. */
    void start(String stage) {
        stop();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        resetPeakRss();
        filesAtStart = deltaFiles(lake);
        jobsAtStart = jobClock == null ? new long[]{0, 0} : jobClock.read(System.currentTimeMillis());
        current = stage;
        startedNanos = System.nanoTime();
    }

    void stop() {
        if (current == null) {
            return;
        }
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        long heap = heapPools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        long[] files = deltaFiles(lake);
        long[] jobs = jobClock == null ? new long[]{0, 0} : jobClock.read(System.currentTimeMillis());
        measured.add(new Measured(current, seconds, heap, peakRss(), files[0] - filesAtStart[0], files[1] - filesAtStart[1],
                jobs[0] - jobsAtStart[0], (jobs[1] - jobsAtStart[1]) / 1000.0));
        current = null;
    }

    List<Measured> measured() {
        return List.copyOf(measured);
    }

    /** Data files (parquet outside _delta_log) and log files (commits and checkpoints) under a lake. */
    static long[] deltaFiles(Path lake) {
        long[] counts = new long[2];
        if (lake == null || !Files.isDirectory(lake)) {
            return counts;
        }
        try (Stream<Path> files = Files.walk(lake)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                String name = file.getFileName().toString();
                boolean inLog = file.getParent() != null && file.getParent().getFileName().toString().equals("_delta_log");
                if (inLog && (name.endsWith(".json") || name.endsWith(".parquet"))) {
                    counts[1]++;
                } else if (!inLog && name.endsWith(".parquet")) {
                    counts[0]++;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }

    /** Writing 5 to clear_refs resets the peak resident set size (Linux 4.0 and later). */
    private static void resetPeakRss() {
        try {
            Files.writeString(CLEAR_REFS, "5", StandardCharsets.US_ASCII);
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux, or not allowed: the peak is then the process's peak so far
        }
    }

    /** The process's peak resident set size in bytes, or -1 where /proc is not there. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
