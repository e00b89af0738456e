package nl.buurtsignaal.lake;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * The one envelope around every piece of work on the lake: for work that changes the lake the
 * lake's writer lock, and for all of it a row in audit.run, written also when the work fails. The
 * command line, the demo and the bench run their stages inside it alike.
 */
public final class RunEnvelope {
    /** The exit codes the audit names: success, and success with deliveries rejected. */
    public static final int OK = 0;
    public static final int REJECTED = 3;

    private RunEnvelope() {
    }

    /**
     * Runs {@code work} under audit.run (and the writer lock when {@code writes}); returns its exit code.
     *
     * @param onWait told when the lock is held by another writer and this one waits
     */
    public static int run(Lake lake, String command, List<String> arguments, String configHash, boolean writes,
                          Consumer<String> onWait, ToIntFunction<RunAudit> work) {
        try (WriterLock lock = writes ? lake.lockForWriting(onWait) : null) {
            RunAudit audit = new RunAudit(lake, newRunId(), command, arguments, configHash);
            int code;
            try {
                code = work.applyAsInt(audit);
            } catch (RuntimeException e) {
                finishQuietly(audit, "failed: " + e.getClass().getSimpleName());
                throw e;
            }
            audit.finish(code == OK ? "succeeded" : code == REJECTED ? "succeeded, deliveries rejected" : "exit " + code);
            return code;
        }
    }

    /** Changing work whose result is a value (the bench's stages): succeeded unless it throws. */
    public static <T> T call(Lake lake, String command, List<String> arguments, String configHash, Consumer<String> onWait,
                             java.util.function.Function<RunAudit, T> work) {
        List<T> result = new java.util.ArrayList<>(1);
        run(lake, command, arguments, configHash, true, onWait, audit -> {
            result.add(work.apply(audit));
            return OK;
        });
        return result.get(0);
    }

    private static void finishQuietly(RunAudit audit, String status) {
        try {
            audit.finish(status);
        } catch (RuntimeException e) {
            System.err.println("buurtsignaal: audit.run could not be written: " + e.getClass().getSimpleName());
        }
    }

    /** A run's id: its start in UTC and six random hex digits. */
    public static String newRunId() {
        return "run-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
                + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }
}
