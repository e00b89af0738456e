package nl.buurtsignaal;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.SparkSessions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JIT bin/buurtsignaal starts a command on, which it asks of the engine (cli/JitChoice) before
 * the command's JVM starts: the first tier only (quick) for a small input, both tiers (full)
 * otherwise, judged by the engine's own rule (small_input in conf/buurtsignaal.yaml, which
 * {@link SparkSessions#isSmall} reads). ProcessesIT checks the launcher prints what it was told.
 */
class LauncherJitTest {
    private static final long MB = 1024 * 1024;
    private static final long LIMIT = 20 * MB;

    @TempDir
    Path dir;

    /** What the launcher is told for these arguments. */
    private static String jit(String... arguments) {
        return jitIn(Path.of("").toAbsolutePath(), arguments);
    }

    /** What the launcher of a project installed at {@code home} is told for these arguments. */
    private static String jitIn(Path home, String... arguments) {
        return nl.buurtsignaal.cli.JitChoice.choose(home.resolve("conf"), arguments);
    }

    /** A folder holding one file of this apparent size (sparse: nothing is written). */
    private Path folderOf(String name, long bytes) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        try (RandomAccessFile file = new RandomAccessFile(folder.resolve("data.parquet").toFile(), "rw")) {
            file.setLength(bytes);
        }
        return folder;
    }

    private static String engineSays(long bytes, String... settings) {
        return SparkSessions.isSmall(EngineConfig.load(Path.of("conf"), null, List.of(settings)), bytes) ? "quick" : "full";
    }

    @Test
    void ingestIsQuickJustBelowTheLimitAndFullAtIt() throws Exception {
        Path lake = dir.resolve("lake");
        Path below = folderOf("below", LIMIT - 1);
        Path at = folderOf("at", LIMIT);
        assertEquals("quick", jit("ingest", "--landing", below.toString(), "--lake", lake.toString()));
        assertEquals("full", jit("ingest", "--landing=" + at, "--lake=" + lake));
        assertEquals(engineSays(LIMIT - 1), "quick");
        assertEquals(engineSays(LIMIT), "full");
    }

    @Test
    void ingestCountsWhatBronzeAlreadyHolds() throws Exception {
        Path landing = folderOf("landing", 12 * MB);
        Path lake = dir.resolve("lake");
        folderOf("lake/bronze", 9 * MB);
        assertEquals("full", jit("ingest", "--landing", landing.toString(), "--lake", lake.toString()));
    }

    @Test
    void runJudgesBronzeOnly() throws Exception {
        Path lake = dir.resolve("lake");
        folderOf("lake/bronze", 2 * MB);
        folderOf("lake/silver", 40 * MB);
        assertEquals("quick", jit("run", "--lake", lake.toString(), "--as-of", "2026-10-31"));
        folderOf("lake/bronze/more", 30 * MB);
        assertEquals("full", jit("run", "--lake", lake.toString(), "--as-of", "2026-10-31"));
    }

    @Test
    void settingsAndConfFilesMoveTheLimitAsTheyDoForTheEngine() throws Exception {
        Path lake = dir.resolve("lake");
        folderOf("lake/bronze", 2 * MB);
        assertEquals("full", jit("run", "--lake", lake.toString(), "--set", "small_input.max_input_mb=1"));
        assertEquals("full", engineSays(2 * MB, "small_input.max_input_mb=1"));
        assertEquals("full", jit("run", "--lake", lake.toString(), "--set=small_input.mode=off"));
        assertEquals("full", engineSays(2 * MB, "small_input.mode=off"));
        folderOf("lake/bronze/more", 60 * MB);
        assertEquals("quick", jit("run", "--lake", lake.toString(), "--set", "small_input.mode=on"));
        assertEquals("quick", engineSays(62 * MB, "small_input.mode=on"));
        Path conf = Files.writeString(dir.resolve("own.yaml"), "small_input:\n  max_input_mb: 100\n");
        assertEquals("quick", jit("run", "--conf", conf.toString(), "--lake", lake.toString()));
    }

    @Test
    void shortAndLongLivedCommands() throws Exception {
        assertEquals("quick", jit("demo"), "the bundled sample is small");
        assertEquals("quick", jit("sql", "--lake", dir.toString(), "SELECT 1"));
        assertEquals("full", jit("demo", "--sample", folderOf("big-sample", 25 * MB).toString()));
        Path home = Files.createDirectories(dir.resolve("home/conf"));
        Files.copy(Path.of("conf/buurtsignaal.yaml"), home.resolve("buurtsignaal.yaml"));
        folderOf("home/sample-parquet", 25 * MB);
        assertEquals("full", jitIn(home.getParent(), "demo"), "without --sample, the project's own sample-parquet is measured");
        assertEquals("full", jit("serve", "--lake", dir.toString()), "a server runs long enough for C2");
        assertEquals("full", jit("hub", "--lake", dir.toString()));
        assertEquals("full", jit("run", "--lake", "hdfs://namenode:8020/lake"), "a cluster's lake is not measured");
    }
    /**
     * The JVM options Spark needs on Java 17 are one list, bin/lib/java-opens.args, which the
     * launcher and the tests read as a java @file and the notebooks line by line: no other file of
     * the project writes one out.
     */
    @Test
    void theJavaOptionsAreOneList() throws IOException {
        List<String> options = Files.readAllLines(Path.of("bin/lib/java-opens.args")).stream().filter(l -> !l.isBlank()).toList();
        assertEquals(true, options.stream().anyMatch(o -> o.endsWith("/sun.nio.ch=ALL-UNNAMED")), options.toString());
        assertEquals(true, ManagementFactory.getRuntimeMXBean().getInputArguments().containsAll(options),
                "the test JVM started without bin/lib/java-opens.args");
        List<String> copies;
        try (var files = Stream.of("pom.xml", "bin", "notebooks-export", "src", "conf", ".ci").map(Path::of)
                .flatMap(LauncherJitTest::walk)) {
            copies = files.filter(Files::isRegularFile).filter(f -> !f.endsWith(Path.of("bin/lib/java-opens.args")))
                    .filter(f -> read(f).contains("--add-opens=" + "java.base/")).map(Path::toString).toList();
        }
        assertEquals(List.of(), copies);
    }

    private static Stream<Path> walk(Path path) {
        try {
            return Files.isDirectory(path) ? Files.walk(path) : Stream.of(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
