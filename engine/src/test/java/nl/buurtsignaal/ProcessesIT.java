package nl.buurtsignaal;

import nl.buurtsignaal.lake.Lake;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine as separate operating-system processes, as an analyst runs it: killed with SIGKILL in
 * the middle of ingest and of run, then completed by the next invocation into a lake equal to a
 * clean run's, table by table; two ingests started together on one lake; and nothing they print,
 * with --verbose, holds a raw BSN.
 */
class ProcessesIT extends SparkTestBase {
    /** Columns that differ between any two runs by design: lineage and clock. */
    static final Set<String> RUN_COLUMNS = Set.of("run_id", "ingested_at");

    @TempDir
    static Path work;
    static Path landing;
    static Path key;
    static Set<String> rawBsns = new HashSet<>();

    @BeforeAll
    static void generate() {
        landing = work.resolve("landing");
        assertEquals(0, cli("generate", "--out", landing.toString(), "--persons", "300", "--seed", "7",
                "--as-of", "2026-10-31", "--plants", "1"));
        key = landing.resolve("_key.txt");
        for (String source : List.of("brp_residence", "hr_officer")) {
            for (Row r : spark().read().parquet(landing.resolve(source) + "/*/*.parquet").select("person_id").distinct().collectAsList()) {
                rawBsns.add(r.getString(0));
            }
        }
        assertTrue(rawBsns.size() > 150);
    }

    @Test
    void killedIngestAndRunCompleteNextTimeIntoTheLakeOfACleanRun() throws Exception {
        // The ingest to be killed starts first, in a JVM of its own; while it starts up, this JVM
        // makes the clean lake to compare with (a watcher kills the other at its marker meanwhile).
        Path crashed = work.resolve("crashed-lake");
        Path logs = Files.createDirectories(work.resolve("logs"));
        Path ingestLog = logs.resolve("killed-ingest.log");
        Process ingest = start(ingestLog, "ingest", "--landing", landing.toString(), "--lake", crashed.toString(),
                "--key-file", key.toString(), "--verbose");
        var watcher = java.util.concurrent.Executors.newSingleThreadExecutor();
        var killedIngest = watcher.submit(() -> {
            killWhenPrinted(ingest, ingestLog, "[ingest 3/8]");
            return null;
        });
        watcher.shutdown();

        Path clean = work.resolve("clean-lake");
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", clean.toString(), "--key-file", key.toString()));
        assertEquals(0, cli("run", "--lake", clean.toString(), "--as-of", "2026-10-31"));
        killedIngest.get(5, TimeUnit.MINUTES);
        assertTrue(Files.isDirectory(crashed.resolve("bronze")), "the killed ingest had landed deliveries");
        assertEquals(0, cli("ingest", "--landing", landing.toString(), "--lake", crashed.toString(), "--key-file", key.toString()));

        Path runLog = logs.resolve("killed-run.log");
        Process run = start(runLog, "run", "--lake", crashed.toString(), "--as-of", "2026-10-31", "--verbose");
        killWhenPrinted(run, runLog, "silver.household");
        assertEquals(0, cli("run", "--lake", crashed.toString(), "--as-of", "2026-10-31"));

        assertSameLake(lake(clean), lake(crashed));
        assertTrue(Files.readString(ingestLog).contains("INFO"), "the logs are verbose");
        assertEquals(List.of(), filesWithNineDigits(logs, rawBsns), "no raw BSN in the verbose logs");
        assertEquals(List.of(), filesWithNineDigits(crashed, rawBsns), "no raw BSN in any lake file");
    }

    @Test
    void twoIngestsStartedTogetherLandEveryDeliveryOnce() throws Exception {
        // Three of the eight sources keep the test short; the property is the same.
        Path three = work.resolve("three-sources");
        for (String source : List.of("bag_address", "woz_value", "brk_transfer")) {
            copyTree(landing.resolve(source), three.resolve(source));
        }
        // One in a JVM of its own, one in this JVM (a cold JVM less than two of their own; the lake's
        // writer lock is an operating-system lock, held across processes alike).
        Path shared = work.resolve("shared-lake");
        Process first = start(work.resolve("first.log"), "ingest", "--landing", three.toString(), "--lake", shared.toString(),
                "--key-file", key.toString());
        // the second starts once the first holds the lock and is landing its first delivery
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!Files.readString(work.resolve("first.log"), StandardCharsets.ISO_8859_1).contains("[ingest 1/")) {
            assertTrue(first.isAlive() && System.nanoTime() < deadline, Files.readString(work.resolve("first.log")));
            Thread.sleep(20);
        }
        int[] secondExit = new int[1];
        String secondLog = stderrOf(() -> secondExit[0] = cli("ingest", "--landing", three.toString(), "--lake", shared.toString(),
                "--key-file", key.toString()));
        assertTrue(first.waitFor(5, TimeUnit.MINUTES));
        String logs = Files.readString(work.resolve("first.log")) + secondLog;
        assertEquals(0, first.exitValue(), logs);
        assertEquals(0, secondExit[0], logs);
        assertTrue(logs.contains("another buurtsignaal command is writing to this lake; waiting"), logs);
        assertTrue(logs.contains("nothing new"), "the second found every delivery landed: " + logs);
        assertFalse(logs.contains("\tat "), "no stack trace");
        Lake lake = lake(shared);
        assertEquals(3L, lake.read("audit.delivery").count());
        assertEquals(3L, lake.read("audit.delivery").select("source", "delivery_id").distinct().count());
        assertEquals(2L, lake.read("audit.run").filter("command = 'ingest' AND status = 'succeeded'").count());
        for (String table : lake.tables()) {
            if (table.startsWith("bronze.")) {
                assertEquals(0, lake.version(table), table + " was written once");
            }
        }
    }


    static void assertSameLake(Lake expected, Lake actual) {
        // audit.run, audit.computed and audit.area_placement record the history (runs, Delta versions, each
        // run's placement counts: a killed run may have counted before it died), which differs by design
        List<String> history = List.of("audit.run", "audit.computed", "audit.area_placement");
        List<String> tables = new ArrayList<>(expected.tables());
        tables.removeAll(history);
        List<String> actualTables = new ArrayList<>(actual.tables());
        actualTables.removeAll(history);
        assertEquals(tables, actualTables);
        for (String table : tables) {
            assertEquals(rows(comparable(expected.read(table))), rows(comparable(actual.read(table))), table);
        }
    }

    private static Dataset<Row> comparable(Dataset<Row> rows) {
        for (String c : rows.columns()) {
            if (RUN_COLUMNS.contains(c)) {
                rows = rows.drop(c);
            }
        }
        return rows;
    }

    /**
     * bin/buurtsignaal starts a command on the JIT the engine chose for it (cli/JitChoice, asked in a
     * short JVM of its own): sql always on the first tier, a run on both where a setting makes its
     * input large (the rule's edges are LauncherJitTest's). The commands themselves then fail at once
     * (no lake there): the choice is printed before.
     */
    @Test
    void theLauncherStartsACommandOnTheJitTheEngineChose() throws Exception {
        assertTrue(launch("sql", "--lake", work.resolve("no-lake").toString(), "SELECT 1", "--verbose")
                .contains("buurtsignaal: JIT quick"));
        Path bronze = Files.createDirectories(work.resolve("small-lake/bronze"));
        Files.writeString(bronze.resolve("part.parquet"), "x".repeat(1000));
        assertTrue(launch("run", "--lake", work.resolve("small-lake").toString(), "--as-of", "2026-10-31", "--verbose",
                "--set", "small_input.max_input_mb=0.0001").contains("buurtsignaal: JIT full"), "a setting moves the limit");
    }

    /** bin/buurtsignaal's standard error for a command (which may fail: its JIT line comes first). */
    private static String launch(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of("bin/buurtsignaal").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("BUURTSIGNAAL_CDS", "off"); // no class data archive made for three short starts
        builder.environment().put("BUURTSIGNAAL_HEAP", "1g");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), out);
        return out;
    }

    /**
     * The engine's main class in a new JVM, as bin/buurtsignaal starts it for a small input (on the
     * JIT's first tier), output to a log file.
     */
    static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-XX:TieredStopAtLevel=1");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
                command.add(a);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "nl.buurtsignaal.cli.Main"));
        command.addAll(List.of(args));
        command.addAll(List.of("--set", "spark_master=local[2]", "--set", "spark.spark.sql.shuffle.partitions=2"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** SIGKILL as soon as the process has printed {@code marker}. */
    static void killWhenPrinted(Process process, Path log, String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains(marker)) {
            assertTrue(process.isAlive(), "ended before '" + marker + "': " + Files.readString(log, StandardCharsets.ISO_8859_1));
            assertTrue(System.nanoTime() < deadline, "no '" + marker + "' within 4 minutes");
            Thread.sleep(50);
        }
        process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
        assertTrue(process.waitFor(1, TimeUnit.MINUTES));
        assertEquals(137, process.exitValue(), "killed by SIGKILL");
    }
}
