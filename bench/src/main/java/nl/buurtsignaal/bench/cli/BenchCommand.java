package nl.buurtsignaal.bench.cli;

import nl.buurtsignaal.cli.GenerateCommand;
import nl.buurtsignaal.cli.Main;

import nl.buurtsignaal.base.Json;
import nl.buurtsignaal.base.FileTrees;
import nl.buurtsignaal.base.EngineException;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.base.Progress;
import com.fasterxml.jackson.databind.JsonNode;
import nl.buurtsignaal.bench.Bench;
import nl.buurtsignaal.bench.BenchReport;
import nl.buurtsignaal.bench.Floor;
import nl.buurtsignaal.bench.QueryLatency;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.generate.CityGenerator;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure the engine: generate synthetic cities, ingest and run each in a lake under --work,",
                "time every stage (wall, rows/s, peak heap and RSS, Delta files), do the same from the same delivered",
                "files in DuckDB (ingest, silver tables, rules, indicators) and check that both agree, and write performance.csv and",
                "performance.md to --report. Give the JVM enough heap for the largest size:",
                "BUURTSIGNAAL_HEAP=14g bin/buurtsignaal bench"})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", paramLabel = "N", defaultValue = "20000,1000000,5000000",
            description = "Persons per city, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Long> sizes;

    @Option(names = "--work", paramLabel = "DIR", defaultValue = "target/bench",
            description = "Landing zones and lakes (default: ${DEFAULT-VALUE}); a landing zone made before with the same size and seed is reused.")
    Path work;

    @Option(names = "--report", paramLabel = "DIR", defaultValue = "docs",
            description = "Where performance.csv and performance.md go (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--seed", defaultValue = "2026", description = "Seed of the synthetic cities (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--as-of", paramLabel = "YYYY-MM-DD", defaultValue = "2026-10-31",
            description = "Reference date (default: ${DEFAULT-VALUE}).")
    LocalDate asOf;

    @Option(names = "--duckdb-memory", paramLabel = "SIZE", defaultValue = "4GB",
            description = "DuckDB's memory limit (default: ${DEFAULT-VALUE}).")
    String duckdbMemory;

    @Option(names = "--demo", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also time 'bin/buurtsignaal demo' as a separate process (default: on; --no-demo to skip).")
    boolean demo;

    @Option(names = "--demo-runs", paramLabel = "N", defaultValue = "3",
            description = "How often to time the demo; the target is judged on the median (default: ${DEFAULT-VALUE}).")
    int demoRuns;

    @Option(names = "--latency", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also time 'bin/buurtsignaal sql' and a query through 'serve' on each lake (default: on; --no-latency to skip).")
    boolean latency;

    private static final int SQL_RUNS = 3;
    private static final int SERVE_WARM_UP = 10;
    private static final int SERVE_RUNS = 30;

    @Option(names = "--keep-lakes", description = "Keep each size's lake (default: deleted after its figures are taken).")
    boolean keepLakes;

    /** Set by the bench for its child processes: measure the one size given and write its figures here. */
    @Option(names = "--result", hidden = true, paramLabel = "FILE")
    Path result;

    /** Set by the bench for its child processes: measure Spark's and Delta's floor for the one size given, write it here. */
    @Option(names = "--floor-result", hidden = true, paramLabel = "FILE")
    Path floorResult;

    @picocli.CommandLine.Mixin
    Main.ConfigOptions options;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 100)) {
            throw new UsageException("--sizes must be persons per city, each at least 100");
        }
        EngineConfig config = options.config();
        Path home = EngineConfig.defaultConfDir().toAbsolutePath().getParent();
        Path workDir = home.resolve(work);
        Progress progress = Progress.stderr("bench");

        List<Double> demoSeconds = new ArrayList<>();
        if (demo && result == null) {
            for (int run = 1; run <= Math.max(1, demoRuns); run++) {
                progress.info("timing 'bin/buurtsignaal demo' as its own process (" + run + " of " + Math.max(1, demoRuns) + ")");
                demoSeconds.add(timeDemo(home));
                progress.info(String.format(Locale.ROOT, "demo: %.1f s", demoSeconds.get(demoSeconds.size() - 1)));
            }
        }

        if (result != null) {
            measureOneSize(config, workDir);
            return Main.OK;
        }
        if (floorResult != null) {
            measureFloor(config, workDir);
            return Main.OK;
        }
        List<Bench.Result> results = new ArrayList<>();
        for (long persons : sizes) {
            results.add(measureInChildProcess(persons, workDir, config));
        }

        String command = "BUURTSIGNAAL_HEAP=" + System.getenv().getOrDefault("BUURTSIGNAAL_HEAP", "4g")
                + " bin/buurtsignaal bench --sizes " + String.join(",", sizes.stream().map(String::valueOf).toList())
                + (demo ? "" : " --no-demo") + (latency ? "" : " --no-latency");
        BenchReport benchReport = new BenchReport(results, demoSeconds, command, environment() + jitNote());
        benchReport.write(home.resolve(report));
        System.out.print(benchReport.screen());
        progress.info("wrote " + home.resolve(report).resolve("performance.md") + " and performance.csv");
        return results.stream().allMatch(r -> r.check().equal()) ? Main.OK : Main.FAILURE;
    }

    /**
     * Each size in a JVM of its own, as a user runs the engine: cold start, its own heap and RSS;
     * then the floor of that size in another fresh JVM.
     */
    private Bench.Result measureInChildProcess(long persons, Path workDir, EngineConfig config)
            throws IOException, InterruptedException {
        Path landing = landingFor(workDir, persons, config, Progress.stderr("bench " + BenchReport.persons(persons) + " generate"));
        List<String> jvm = childJvm(config, FileTrees.bytes(landing));
        (jvm.contains(QUICK_JIT) ? quickJit : fullJit).add(BenchReport.persons(persons));
        Path resultFile = workDir.resolve(persons + "-persons").resolve("result.json");
        Bench.Result measured = runChild(persons, workDir, jvm, "--result", resultFile, Bench.Result.class);
        Path floorFile = workDir.resolve(persons + "-persons").resolve("floor.json");
        return measured.withFloor(runChild(persons, workDir, jvm, "--floor-result", floorFile, Floor.Figures.class));
    }

    /**
     * The bench's own JVM flags, with the JIT bin/buurtsignaal would choose for an ingest of this
     * landing zone into an empty lake: the first tier only for a small input (BUURTSIGNAAL_JIT
     * overrides, as it does for the launcher).
     */
    static List<String> childJvm(EngineConfig config, long landingBytes) {
        List<String> jvm = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
        jvm.removeIf(flag -> flag.startsWith("-XX:TieredStopAtLevel"));
        String jit = System.getenv().getOrDefault("BUURTSIGNAAL_JIT", "auto");
        if (jit.equals("quick") || jit.equals("auto") && nl.buurtsignaal.lake.SparkSessions.isSmall(config, landingBytes)) {
            jvm.add(QUICK_JIT);
        }
        return jvm;
    }

    /** The JIT's first tier only (C1), as bin/buurtsignaal runs a small input. */
    static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";

    /** The sizes measured on the first tier of the JIT only, and those on both tiers. */
    private final List<String> quickJit = new ArrayList<>();
    private final List<String> fullJit = new ArrayList<>();

    private <T> T runChild(long persons, Path workDir, List<String> jvm, String resultOption, Path resultFile, Class<T> type)
            throws IOException, InterruptedException {
        Files.createDirectories(resultFile.getParent());
        Files.deleteIfExists(resultFile);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(), "bench",
                "--sizes", Long.toString(persons), "--no-demo", "--work", workDir.toString(), "--seed", Long.toString(seed),
                "--as-of", asOf.toString(), "--duckdb-memory", duckdbMemory, resultOption, resultFile.toString()));
        if (keepLakes) {
            command.add("--keep-lakes");
        }
        if (!latency) {
            command.add("--no-latency");
        }
        if (options.conf != null) {
            command.addAll(List.of("--conf", options.conf.toAbsolutePath().toString()));
        }
        options.settings.forEach(setting -> command.addAll(List.of("--set", setting)));
        if (Main.ConfigOptions.verbose) {
            command.add("--verbose");
        }
        Process child = new ProcessBuilder(command).inheritIO().start();
        int exit = child.waitFor();
        if (exit != 0 || !Files.isRegularFile(resultFile)) {
            throw new EngineException("the bench of " + BenchReport.persons(persons) + " persons failed (exit " + exit + ")");
        }
        return Json.MAPPER.readValue(resultFile.toFile(), type);
    }

    /** The floor of one size (see {@link Floor}) on the landing zone the engine's child process used. */
    private void measureFloor(EngineConfig config, Path workDir) throws IOException {
        if (sizes.size() != 1) {
            throw new UsageException("--floor-result measures one size");
        }
        long persons = sizes.get(0);
        String label = "bench " + BenchReport.persons(persons);
        Path landing = landingFor(workDir, persons, config, Progress.stderr(label + " generate"));
        Progress.stderr(label + " floor").info("Spark's and Delta's floor: the same files and commits, none of the engine's work");
        Floor.Figures figures = new Floor(options.spark(config), config)
                .measure(landing, workDir.resolve(persons + "-persons").resolve("floor-lake"), asOf);
        Json.MAPPER.writeValue(floorResult.toFile(), figures);
    }

    private void measureOneSize(EngineConfig config, Path workDir) throws IOException, InterruptedException {
        if (sizes.size() != 1) {
            throw new UsageException("--result measures one size");
        }
        long persons = sizes.get(0);
        SparkSession spark = options.spark(config);
        Bench bench = new Bench(spark, config, Runtime.getRuntime().availableProcessors(), duckdbMemory);
        String label = "bench " + BenchReport.persons(persons);
        Path landing = landingFor(workDir, persons, config, Progress.stderr(label + " generate"));
        Path lake = workDir.resolve(persons + "-persons").resolve("lake");
        FileTrees.deleteRecursively(lake);
        Path key = landing.resolve(GenerateCommand.KEY_FILE);
        nl.buurtsignaal.base.PrivateFiles.restrictToOwner(key);
        Bench.Result measured = bench.measure(persons, landing, key, lake, asOf, label);
        if (latency) {
            Progress.stderr(label).info("timing 'bin/buurtsignaal sql' (" + SQL_RUNS + " processes) and a query through serve ("
                    + SERVE_RUNS + " warm)");
            measured = measured.withLatency(new QueryLatency(EngineConfig.defaultConfDir().toAbsolutePath().getParent())
                    .measure(lake, SQL_RUNS, SERVE_WARM_UP, SERVE_RUNS));
        }
        if (!keepLakes) {
            FileTrees.deleteRecursively(lake);
        }
        Json.MAPPER.writeValue(result.toFile(), measured);
    }

    /** A landing zone of this size and seed, generated unless an earlier bench left one. */
    private Path landingFor(Path workDir, long persons, EngineConfig config, Progress progress) throws IOException {
        Path landing = workDir.resolve(persons + "-persons").resolve("landing");
        Path info = landing.resolve(GenerateCommand.INFO_FILE);
        if (Files.isRegularFile(info)) {
            JsonNode made = Json.MAPPER.readTree(info.toFile());
            if (made.path("persons").asLong() == persons && made.path("seed").asLong() == seed
                    && made.path("as_of").asText().equals(asOf.toString())) {
                progress.info("reusing " + landing);
                return landing;
            }
        }
        FileTrees.deleteRecursively(landing);
        Files.createDirectories(landing);
        GenerateCommand.writeCity(new CityGenerator.Options(landing, persons, seed, asOf, false, 1_000_000, 3), List.of(), config,
                progress);
        return landing;
    }

    /** Wall seconds of the demo as a user runs it: a fresh JVM with the launcher's default heap. */
    private static double timeDemo(Path home) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin").resolve("buurtsignaal").toString(), "demo")
                .directory(home.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("BUURTSIGNAAL_HEAP");
        long started = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new EngineException("the demo did not finish within 10 minutes");
        }
        if (process.exitValue() != 0) {
            throw new EngineException("the demo failed (exit " + process.exitValue() + "): run bin/buurtsignaal demo to see why");
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static String environment() {
        Runtime runtime = Runtime.getRuntime();
        return String.format(Locale.ROOT, "Run on %s: %d cores, JVM max heap %d MiB, Java %s, Spark %s (local[*]), %s, "
                        + "each size in a JVM of its own (a cold start, as a user runs the engine); %s.",
                DateTimeFormatter.ISO_LOCAL_DATE.format(ZonedDateTime.now()), runtime.availableProcessors(),
                runtime.maxMemory() / (1024 * 1024), System.getProperty("java.version"), org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                duckdbVersion(),
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("-Xmx") || a.startsWith("-XX:+Use")).toList()));
    }

    /** Which sizes ran on which JIT, as bin/buurtsignaal chooses it by the size of the input. */
    private String jitNote() {
        List<String> parts = new ArrayList<>();
        if (!quickJit.isEmpty()) {
            parts.add("the first tier only (C1, " + QUICK_JIT + ") for " + String.join(", ", quickJit)
                    + ", whose landing zone is below small_input.max_input_mb");
        }
        if (!fullJit.isEmpty()) {
            parts.add("both tiers for " + String.join(", ", fullJit));
        }
        return " The JIT as bin/buurtsignaal chooses it for an ingest of the same files: " + String.join("; ", parts) + ".";
    }

    private static String duckdbVersion() {
        try (var db = java.sql.DriverManager.getConnection("jdbc:duckdb:");
             var rows = db.createStatement().executeQuery("SELECT version()")) {
            return rows.next() ? "DuckDB " + rows.getString(1) : "DuckDB";
        } catch (java.sql.SQLException e) {
            return "DuckDB (version unknown)";
        }
    }
}
