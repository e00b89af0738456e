package nl.buurtsignaal.bench;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Spark's jobs as the profile needs them: how many ran, and for how long at least one was
 * running. A stage's wall time less that is the driver's own time between jobs: planning, Delta's
 * log reads and commits, listing files; what is left in jobs is the work on the rows.
 */
final class JobClock extends SparkListener {
    private long jobs;
    private int running;
    private long busySince;
    private long busyMillis;

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        jobs++;
        if (running++ == 0) {
            busySince = start.time();
        }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        if (running > 0 && --running == 0) {
            busyMillis += end.time() - busySince;
        }
    }

    /** Jobs started so far, and seconds with at least one job running (up to {@code nowMillis} for a job still running). */
    synchronized long[] read(long nowMillis) {
        return new long[]{jobs, busyMillis + (running > 0 ? nowMillis - busySince : 0)};
    }
}
