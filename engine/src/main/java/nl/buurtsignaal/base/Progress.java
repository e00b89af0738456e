package nl.buurtsignaal.base;

import java.io.PrintStream;
import java.util.Locale;

/** Progress of a long command on standard error: stage i of n, what it did, elapsed time. */
public final class Progress {
    private final PrintStream out;
    private final String command;
    private final long started = System.nanoTime();
    private int total;
    private int step;

    public Progress(String command, PrintStream out) {
        this.command = command;
        this.out = out;
    }

    public static Progress stderr(String command) {
        return new Progress(command, System.err);
    }

    public static Progress silent() {
        return new Progress("", new PrintStream(java.io.OutputStream.nullOutputStream()));
    }


    public void stages(int total) {
        this.total = total;
        this.step = 0;
    }

    /** Starts the next stage and returns its label, e.g. {@code [ingest 2/8]}. */
    public synchronized void step(String what) {
        step++;
        out.printf(Locale.ROOT, "[%s %d/%d] %s  (%s)%n", command, step, Math.max(total, step), what, elapsed());
        out.flush();
    }

    public synchronized void info(String message) {
        out.printf(Locale.ROOT, "[%s] %s  (%s)%n", command, message, elapsed());
        out.flush();
    }

    public String elapsed() {
        double seconds = (System.nanoTime() - started) / 1e9;
        return String.format(Locale.ROOT, "%.1f s", seconds);
    }
}
