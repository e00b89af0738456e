package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.UsageException;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** What the commands that listen share (hub, serve): the users file, the port and address, and a clean stop. */
final class ListenOptions {
    @Option(names = "--users", required = true, paramLabel = "FILE", description = "The users file (make it with hub-user add).")
    Path users;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "The address to listen on (default ${DEFAULT-VALUE}: this machine only).")
    String bind;

    static int checkedPort(int port) {
        if (port < 0 || port > 65_535) {
            throw new UsageException("--port is 0 to 65535");
        }
        return port;
    }

    /**
     * Serves until the process is stopped (Ctrl-C, SIGTERM). {@code close} runs before Spark's own
     * shutdown hook (priority 50 in Hadoop's manager), so the last access entries are committed
     * while the session still runs; when it fails they stay in the journal for the next start.
     * {@code ready} is printed on standard error once the hook is in place.
     */
    static void serveUntilStopped(String name, String ready, Runnable close) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(() -> {
            try {
                close.run();
            } catch (RuntimeException e) {
                System.err.println(name + ": stopped; the last access entries stay in the journal and are written at the next start");
            }
            stopped.countDown();
        }, 100);
        System.err.println(ready);
        stopped.await();
    }
}
