package nl.buurtsignaal.cli;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.hub.Hub;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "hub", mixinStandardHelpOptions = true,
        description = {"Serve the informatieknooppunt's review of signals on this machine (contract section 7).",
                "Prints 'hub ready on http://HOST:PORT/' once it accepts requests; stop it with Ctrl-C.",
                "Put it behind the municipality's reverse proxy with TLS to reach it from other machines."})
final class HubCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @Mixin
    ListenOptions listen;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "The port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        EngineConfig config = options.config();
        HubUsers hubUsers = HubUsers.read(listen.users);
        ListenOptions.checkedPort(port);
        Lake lake = options.openExistingLake(config);
        // The hub's own queries are few and small: no code generation, few partitions.
        nl.buurtsignaal.lake.SparkSessions.fitToInput(lake.spark(), config, lake.bytes("gold"));
        Hub hub;
        try {
            hub = new Hub(lake, config, hubUsers).start(listen.bind, port, config.settings().hub().refreshSeconds(),
                    nl.buurtsignaal.base.Progress.stderr("hub"));
        } catch (io.javalin.util.JavalinBindException e) {
            throw new nl.buurtsignaal.base.UsageException("cannot listen on " + listen.bind + ":" + port
                    + " (in use, or not an address of this machine): choose another with --port or --bind");
        }
        ListenOptions.serveUntilStopped("hub", "hub ready on http://" + listen.bind + ":" + hub.port() + "/", hub::close);
        return Main.OK;
    }
}
