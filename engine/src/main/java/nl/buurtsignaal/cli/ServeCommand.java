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
                "Users and roles come from the hub's users file; serve.roles admits analyst and bi by default. analyst reads",
                "the lake's tables but the per-person care rows and the access log; bi reads only the published aggregates",
                "(published.buurt_indicator, published.buurt_score, published.buurt). Use --tls-cert and --tls-key off this host.",
                "Prints 'serve ready on grpc://HOST:PORT' once it accepts connections; stop it with Ctrl-C."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @Mixin
    ListenOptions listen;

    @Option(names = "--port", defaultValue = "32010", paramLabel = "PORT", description = "The port (default ${DEFAULT-VALUE}, Flight SQL's usual; 0 picks a free one).")
    int port;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "The server's certificate chain (PEM): serve over TLS.")
    java.nio.file.Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The certificate's private key (PEM, PKCS#8), readable by its owner only.")
    java.nio.file.Path tlsKey;

    @Override
    public Integer call() throws InterruptedException {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new nl.buurtsignaal.base.UsageException("--tls-cert and --tls-key go together");
        }
        if (tlsKey != null) {
            nl.buurtsignaal.base.PrivateFiles.refuseIfShared(tlsKey, "TLS key");
        }
        EngineConfig config = options.config();
        HubUsers hubUsers = HubUsers.read(listen.users);
        ListenOptions.checkedPort(port);
        Lake lake = options.openExistingLake(config);
        Serve serve = new Serve(lake, config, hubUsers).start(listen.bind, port, tlsCert, tlsKey, Progress.stderr("serve"));
        ListenOptions.serveUntilStopped("serve", "serve ready on grpc" + (tlsCert != null ? "+tls" : "") + "://" + listen.bind + ":"
                + serve.port(), serve::close);
        return Main.OK;
    }
}
