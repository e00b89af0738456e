package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.serve.Serve;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"A read-only SQL endpoint over the lake for BI tools and notebooks (Apache Arrow Flight SQL:",
                "Arrow's JDBC driver for DBeaver and other JDBC tools, ODBC drivers for Power BI and Excel).",
                "Users and roles come from the hub's users file: analyst reads every table; bi and the hub's roles",
                "read the published aggregates (published.buurt_indicator, published.buurt_score, published.buurt).",
                "Prints 'serve ready on grpc://HOST:PORT' once it accepts connections; stop it with Ctrl-C."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @Mixin
    ListenOptions listen;

    @Option(names = "--port", defaultValue = "32010", paramLabel = "PORT", description = "The port (default ${DEFAULT-VALUE}, Flight SQL's usual; 0 picks a free one).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        EngineConfig config = options.config();
        HubUsers hubUsers = HubUsers.read(listen.users);
        ListenOptions.checkedPort(port);
        Lake lake = options.openExistingLake(config);
        Serve serve = new Serve(lake, config, hubUsers).start(listen.bind, port, Progress.stderr("serve"));
        ListenOptions.serveUntilStopped("serve", "serve ready on grpc://" + listen.bind + ":" + serve.port(), serve::close);
        return Main.OK;
    }
}
