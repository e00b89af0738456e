package nl.buurtsignaal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spark standalone cluster on loopback: a Master and two Workers, each a JVM of its own
 * started from Spark's jars (target/spark-dist/jars, Spark and Hadoop as the build resolves them),
 * and the application jar (target/buurtsignaal-spark-submit.jar) submitted to it with Spark's own
 * submit machinery, exactly as the README's spark-submit line does. The bundled sample is ingested
 * and run on the cluster; every gold table must equal a local[*] run's.
 */
class StandaloneClusterIT extends SparkTestBase {
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path SPARK_HOME = PROJECT.resolve("target/spark-dist");
    private static final Path APP_JAR = PROJECT.resolve("target/buurtsignaal-spark-submit.jar");
    private static final String AS_OF = "2026-10-31";
    private static final List<Process> CLUSTER = new ArrayList<>();

    @TempDir
    static Path work;
    static String masterUrl;
    static Path key;

    @BeforeAll
    static void startCluster() throws Exception {
        assertTrue(Files.isRegularFile(APP_JAR), "run through mvn verify: the application jar is built in package");
        // A Spark distribution is recognised by its RELEASE file; its jars/ is then the class path
        // the Workers give their executors.
        Files.writeString(SPARK_HOME.resolve("RELEASE"), "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
                + " jars for buurtsignaal's cluster tests\n");
        int port = freePort();
        masterUrl = "spark://127.0.0.1:" + port;
        start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--webui-port", String.valueOf(freePort()));
        waitForPort(port);
        for (int i = 1; i <= 2; i++) {
            Path workerDir = Files.createDirectories(work.resolve("worker-" + i));
            start("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                    "--memory", "1536m", "--webui-port", String.valueOf(freePort()), "--work-dir", workerDir.toString(), masterUrl);
        }
        waitForLog(work.resolve("master.log"), "Registering worker", 2);

        key = work.resolve("demo-key.txt");
        Files.copy(PROJECT.resolve("sample-parquet/_key.txt"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    static void stopCluster() {
        CLUSTER.forEach(Process::destroy);
        CLUSTER.forEach(p -> {
            try {
                p.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.destroyForcibly();
        });
    }

    @Test
    void theSampleOnTheClusterGivesTheSameGoldTablesAsLocally() throws Exception {
        Path clusterLake = work.resolve("cluster-lake");
        submit("ingest", "--landing", PROJECT.resolve("sample-parquet").toString(), "--lake", clusterLake.toString(),
                "--key-file", key.toString());
        submit("run", "--lake", clusterLake.toString(), "--as-of", AS_OF);

        // the work really ran on the Workers: each started an executor for the application
        for (int i = 1; i <= 2; i++) {
            try (Stream<Path> apps = Files.list(work.resolve("worker-" + i))) {
                assertTrue(apps.anyMatch(p -> p.getFileName().toString().startsWith("app-")), "worker " + i + " ran no executor");
            }
        }

        Path localLake = work.resolve("local-lake");
        assertEquals(0, cli("ingest", "--landing", PROJECT.resolve("sample-parquet").toString(), "--lake", localLake.toString(),
                "--key-file", key.toString()));
        assertEquals(0, cli("run", "--lake", localLake.toString(), "--as-of", AS_OF));

        for (String table : List.of("gold/signal", "gold/buurt_indicator", "gold/buurt_score")) {
            var onCluster = rows(spark().read().format("delta").load(clusterLake.resolve(table).toString()));
            var local = rows(spark().read().format("delta").load(localLake.resolve(table).toString()));
            assertFalse(local.isEmpty(), table);
            assertEquals(local, onCluster, table + " differs between the cluster and local[*]");
        }
    }

    /** spark-submit (client mode, the default): the driver in a child process, executors on the Workers. */
    private static void submit(String... engineArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(javaCommand("2g"));
        // bin/spark-submit runs this class; the arguments are the README's, word for word
        command.addAll(List.of("org.apache.spark.deploy.SparkSubmit",
                "--master", masterUrl, "--class", "nl.buurtsignaal.cli.Main", APP_JAR.toString()));
        command.addAll(Arrays.asList(engineArgs));
        Path log = work.resolve("submit-" + engineArgs[0] + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("BUURTSIGNAAL_HOME", PROJECT.toString());
        builder.environment().put("SPARK_HOME", SPARK_HOME.toString());
        Process submit = builder.start();
        assertTrue(submit.waitFor(15, TimeUnit.MINUTES), engineArgs[0] + " on the cluster did not finish");
        assertEquals(0, submit.exitValue(), engineArgs[0] + " on the cluster failed:\n" + tail(log));
    }

    private static void start(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(javaCommand("512m"));
        command.add(mainClass);
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile());
        builder.environment().put("SPARK_HOME", SPARK_HOME.toString());
        // what a distribution's bin/load-spark-env.sh sets; the Workers' executor launcher needs it
        builder.environment().put("SPARK_SCALA_VERSION", "2.13");
        CLUSTER.add(builder.start());
    }

    private static List<String> javaCommand(String heap) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.addAll(Arrays.asList(System.getProperty("spark.java.opens", "").split(" ")));
        command.addAll(List.of("-cp", SPARK_HOME.resolve("jars") + "/*"));
        return command;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void waitForPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError("the Spark master did not open port " + port);
    }

    private static void waitForLog(Path log, String text, int times) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(log)) {
                String content = Files.readString(log, StandardCharsets.UTF_8);
                if (content.split(text, -1).length - 1 >= times) {
                    return;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not " + times + "x '" + text + "' in " + log + ":\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> problems = lines.stream().filter(l -> l.contains(" ERROR ") || l.contains("Exception")).limit(15).toList();
        return String.join("\n", problems) + "\n...\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
