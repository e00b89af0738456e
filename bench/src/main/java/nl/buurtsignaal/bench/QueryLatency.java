package nl.buurtsignaal.bench;

import nl.buurtsignaal.base.EngineException;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.hub.Role;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an analyst waits for a query: {@code bin/buurtsignaal sql} as its own process (a cold JVM,
 * as typed at a prompt), and a query through {@code serve}, warm, as a BI tool sends it (Arrow's
 * Flight SQL client, the protocol the JDBC and ODBC drivers speak).
 */
public final class QueryLatency {
    /** A query an analyst would type: the flagged neighbourhoods, named, best first (two tables). */
    public static final String QUERY = "SELECT b.buurt_name, s.theme, s.score FROM gold.buurt_score s "
            + "JOIN silver.buurt b ON b.buurt_code = s.buurt_code WHERE s.flagged ORDER BY s.score DESC";

    /** The figures: seconds of each {@code sql} process, milliseconds of each warm query through serve. */
    public record Figures(List<Double> sqlSeconds, List<Double> serveMillis, double serveStartSeconds) {
    }

    private final Path home;

    public QueryLatency(Path home) {
        this.home = home;
    }

    public Figures measure(Path lake, int sqlRuns, int serveWarmUp, int serveRuns) throws IOException, InterruptedException {
        List<Double> sql = new ArrayList<>();
        for (int i = 0; i < sqlRuns; i++) {
            sql.add(timeSql(lake));
        }
        List<Double> serve = new ArrayList<>();
        double started = timeServe(lake, serveWarmUp, serveRuns, serve);
        return new Figures(sql, serve, started);
    }

    private ProcessBuilder launcher(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve("buurtsignaal").toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        builder.environment().remove("BUURTSIGNAAL_HEAP");
        return builder;
    }

    private double timeSql(Path lake) throws IOException, InterruptedException {
        long t = System.nanoTime();
        Process p = launcher("sql", "--lake", lake.toString(), QUERY)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new EngineException("bin/buurtsignaal sql failed on the bench lake: run it by hand to see why");
        }
        return (System.nanoTime() - t) / 1e9;
    }

    /** Starts serve on a free port, sends the query {@code warmUp + runs} times; returns the seconds until it was ready. */
    private double timeServe(Path lake, int warmUp, int runs, List<Double> millis) throws IOException, InterruptedException {
        Path users = Files.createTempFile("bench-serve-users", ".txt");
        Files.delete(users);
        String password = UUID.randomUUID().toString();
        HubUsers.add(users, "bench", Role.ANALYST, password);
        long t = System.nanoTime();
        Process serve = launcher("serve", "--lake", lake.toString(), "--users", users.toString(), "--port", "0")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            int port = readyPort(serve);
            double ready = (System.nanoTime() - t) / 1e9;
            try (BufferAllocator allocator = new RootAllocator();
                 FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build()) {
                CredentialCallOption bearer = client.authenticateBasicToken("bench", password)
                        .orElseThrow(() -> new EngineException("serve gave the bench no token"));
                FlightSqlClient sql = new FlightSqlClient(client);
                for (int i = 0; i < warmUp + runs; i++) {
                    long q = System.nanoTime();
                    FlightInfo info = sql.execute(QUERY, bearer);
                    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), bearer)) {
                        while (stream.next()) {
                            stream.getRoot().getRowCount();
                        }
                    } catch (Exception e) {
                        throw new EngineException("a query through serve failed: " + e.getMessage());
                    }
                    if (i >= warmUp) {
                        millis.add((System.nanoTime() - q) / 1e6);
                    }
                }
            }
            return ready;
        } finally {
            serve.destroy();
            if (!serve.waitFor(60, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
            Files.deleteIfExists(users);
        }
    }

    private static final Pattern READY = Pattern.compile("serve ready on grpc://[^:]+:(\\d+)");

    private static int readyPort(Process serve) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(serve.getErrorStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = err.readLine()) != null) {
            Matcher m = READY.matcher(line);
            if (m.find()) {
                int port = Integer.parseInt(m.group(1));
                Thread drain = new Thread(() -> err.lines().forEach(l -> { }), "serve-stderr");
                drain.setDaemon(true);
                drain.start();
                return port;
            }
        }
        throw new EngineException("serve ended before it was ready: run it by hand to see why");
    }

    public static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public static double percentile90(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1);
    }
}
