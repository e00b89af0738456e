package nl.buurtsignaal.cli;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.hub.Hub;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "hub", mixinStandardHelpOptions = true,
        description = {"Serve the informatieknooppunt's review of signals on this machine (contract section 7).",
                "Prints 'hub ready on http://HOST:PORT/' once it accepts requests; stop it with Ctrl-C.",
                "Put it behind the municipality's reverse proxy with TLS to reach it from other machines."})
final class HubCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @Option(names = "--users", required = true, paramLabel = "FILE", description = "The users file (make it with hub-user add).")
    Path users;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "The port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "The address to listen on (default ${DEFAULT-VALUE}: this machine only).")
    String bind;

    @Override
    public Integer call() throws InterruptedException {
        EngineConfig config = options.config();
        HubUsers hubUsers = HubUsers.read(users);
        if (port < 0 || port > 65_535) {
            throw new nl.buurtsignaal.base.UsageException("--port is 0 to 65535");
        }
        Lake lake = options.openExistingLake(config);
        // The hub's own queries are few and small: no code generation, few partitions.
        nl.buurtsignaal.lake.SparkSessions.fitToInput(lake.spark(), config, lake.bytes("gold"));
        Hub hub;
        try {
            hub = new Hub(lake, config, hubUsers).start(bind, port, config.number("hub.refresh_seconds", 2),
                    nl.buurtsignaal.base.Progress.stderr("hub"));
        } catch (io.javalin.util.JavalinBindException e) {
            throw new nl.buurtsignaal.base.UsageException("cannot listen on " + bind + ":" + port
                    + " (in use, or not an address of this machine): choose another with --port or --bind");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // Before Spark's own shutdown hook (priority 50 in Hadoop's manager): the last access entries
        // are committed while the session still runs.
        org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(() -> {
            try {
                hub.close();
            } catch (RuntimeException e) {
                System.err.println("hub: stopped; the last access entries stay in the journal and are written at the next start");
            }
            stopped.countDown();
        }, 100);
        System.err.println("hub ready on http://" + bind + ":" + hub.port() + "/");
        stopped.await();
        return Main.OK;
    }
}
