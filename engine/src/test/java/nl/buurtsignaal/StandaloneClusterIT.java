package nl.buurtsignaal;

import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.WriterLock;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
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
 * submit machinery, exactly as the README's spark-submit line does. The landing zone and the lake
 * of the cluster run are on HDFS: a real NameNode and DataNode (Hadoop's MiniDFSCluster) in this
 * JVM, which the driver and the executors reach over the network. The bundled sample is ingested and run on the
 * cluster; every gold table must equal a local[*] run's on a local lake.
 */
class StandaloneClusterIT extends SparkTestBase {
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path SPARK_HOME = PROJECT.resolve(TestPaths.ENGINE_BUILD).resolve("spark-dist");
    private static final Path APP_JAR = PROJECT.resolve(TestPaths.ENGINE_BUILD).resolve("buurtsignaal-spark-submit.jar");
    private static final String AS_OF = "2026-10-31";
    private static final List<Process> CLUSTER = new ArrayList<>();
    /**
     * Every JVM of the test cluster on the JIT's first tier, as bin/buurtsignaal runs a small input:
     * seven JVMs share two cores here, and the sample is too small to repay the second tier's compiling.
     */
    private static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";

    @TempDir
    static Path work;
    static String masterUrl;
    static Path key;
    static MiniDFSCluster hdfs;
    static String hdfsLake;

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

        Configuration hadoop = new Configuration();
        hdfs = new MiniDFSCluster.Builder(hadoop, work.resolve("hdfs").toFile()).numDataNodes(1).build();
        hdfs.waitActive();
        hdfsLake = hdfs.getURI() + "/buurtsignaal/lake";

        key = work.resolve("demo-key.txt");
        Files.copy(PROJECT.resolve("sample-parquet/_key.txt"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    static void stopCluster() {
        if (hdfs != null) {
            hdfs.shutdown();
        }
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
    void theSampleOnTheClusterWithItsLakeOnHdfsGivesTheSameGoldTablesAsLocally() throws Exception {
        // the landing zone on HDFS too: the driver reads manifests and checksums from it, the executors the data
        String hdfsLanding = hdfs.getURI() + "/buurtsignaal/landing";
        hdfs.getFileSystem().copyFromLocalFile(new org.apache.hadoop.fs.Path(PROJECT.resolve("sample-parquet").toUri()),
                new org.apache.hadoop.fs.Path(hdfsLanding));
        submit("ingest", "--landing", hdfsLanding, "--lake", hdfsLake, "--key-file", key.toString());
        submit("run", "--lake", hdfsLake, "--as-of", AS_OF);

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

        Lake onHdfs = new Lake(spark(), hdfsLake);
        Lake local = lake(localLake);
        for (String table : List.of("gold.signal", "gold.buurt_indicator", "gold.buurt_score")) {
            var expected = rows(local.read(table));
            var actual = rows(onHdfs.read(table));
            assertFalse(expected.isEmpty(), table);
            var onlyLocal = new java.util.TreeSet<>(expected);
            onlyLocal.removeAll(actual);
            var onlyCluster = new java.util.TreeSet<>(actual);
            onlyCluster.removeAll(expected);
            assertTrue(onlyLocal.isEmpty() && onlyCluster.isEmpty(), table + " differs between the cluster on HDFS and local[*]: "
                    + onlyLocal.size() + " rows only local, e.g. " + onlyLocal.stream().limit(3).toList() + "; "
                    + onlyCluster.size() + " only on the cluster, e.g. " + onlyCluster.stream().limit(3).toList());
        }
        // the lake's bookkeeping on HDFS: the same tables, each committed, and a size
        assertEquals(local.tables(), onHdfs.tables());
        onHdfs.versions().forEach((table, version) -> assertTrue(version >= 0, table));
        assertTrue(onHdfs.bytes("bronze") > 0);
        assertTrue(hdfs.getFileSystem().exists(new org.apache.hadoop.fs.Path("/buurtsignaal/lake/gold/signal/_delta_log")));
        // and the commands that read it take the URI as they take a folder
        String printed = stdoutOf(() -> assertEquals(0, cli("sql", "--lake", hdfsLake,
                "SELECT command, status FROM audit.run ORDER BY started_at")));
        assertTrue(printed.contains("ingest") && printed.contains("run") && printed.contains("succeeded"), printed);
    }

    /**
     * Two writers on an HDFS lake: Delta's HDFS log store commits by an atomic rename that refuses
     * to overwrite, so concurrent commits to one table each land once, none lost.
     */
    @Test
    void concurrentCommitsToAnHdfsLakeAllLand() throws Exception {
        Lake lake = new Lake(spark(), hdfs.getURI() + "/concurrency");
        lake.overwrite("hub.probe", spark().range(0).selectExpr("'start' AS writer", "id"));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
        for (String writer : List.of("a", "b")) {
            writers.add(pool.submit(() -> {
                for (int i = 0; i < 4; i++) {
                    lake.append("hub.probe", spark().range(i * 10, i * 10 + 10).selectExpr("'" + writer + "' AS writer", "id"));
                }
            }));
        }
        for (var writer : writers) {
            writer.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertEquals(8, lake.version("hub.probe"));
        assertEquals(80, lake.read("hub.probe").count());
        assertEquals(40, lake.read("hub.probe").filter("writer = 'a'").distinct().count());
    }

    /**
     * The writer lock of an HDFS lake is the NameNode's lease: a second writer waits while the first
     * holds it, takes over when it is released, and also when its holder dies without releasing
     * (the lease expires; the soft limit is shortened here from a minute to two seconds).
     */
    @Test
    void theWriterLockOfAnHdfsLakeIsALeaseThatOutlivesNoHolder() throws Exception {
        String root = hdfs.getURI() + "/locking";
        Configuration hadoop = hdfs.getConfiguration(0);
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (FileSystem first = FileSystem.newInstance(hdfs.getURI(), hadoop);
             FileSystem second = FileSystem.newInstance(hdfs.getURI(), hadoop);
             FileSystem third = FileSystem.newInstance(hdfs.getURI(), hadoop)) {
            List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
            WriterLock held = WriterLock.acquire(root, first, null, m -> { });
            var waiting = pool.submit(() -> WriterLock.acquire(root, second, null, told::add));
            Thread.sleep(5_000);
            assertFalse(waiting.isDone(), "the second writer must wait while the first holds the lock");
            assertEquals(1, told.size());
            held.close();
            WriterLock taken = waiting.get(60, TimeUnit.SECONDS);

            // the holder dies: its stream is abandoned without closing, its lease no longer renewed
            hdfs.setLeasePeriod(2_000, 60_000);
            ((DistributedFileSystem) second).getClient().closeAllFilesBeingWritten(true);
            List<String> toldThird = new java.util.concurrent.CopyOnWriteArrayList<>();
            long started = System.nanoTime();
            WriterLock afterDeath = pool.submit(() -> WriterLock.acquire(root, third, null, toldThird::add)).get(90, TimeUnit.SECONDS);
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            afterDeath.close();
            assertTrue(waitedMillis >= 1_000, "the third writer took the lock after " + waitedMillis
                    + " ms, before the dead holder's two-second lease expired");
            assertEquals(1, toldThird.size(), "the dead holder's lease must still hold the lock until it expires");
        } finally {
            hdfs.setLeasePeriod(60_000, 20 * 60_000);
            pool.shutdownNow();
        }
    }

    /**
     * One hub (and one serve) per lake on HDFS as on a local disk: the lock is a lease in the lake,
     * not a file of the machine's, so a second hub on another machine is refused too; its journal
     * is in the lake and survives the hub's machine.
     */
    @Test
    void aSecondHubOnAnHdfsLakeIsRefused() {
        String root = hdfs.getURI() + "/hubs";
        var leases = config("leases.settle_millis=100").settings().leases();
        Lake lake = new Lake(spark(), root).leases(leases);
        nl.buurtsignaal.hub.AccessLog first = new nl.buurtsignaal.hub.AccessLog(lake, "hub", leases);
        first.open();
        first.record("rita", nl.buurtsignaal.hub.Role.REVIEWER, "login", null, null);
        var refused = org.junit.jupiter.api.Assertions.assertThrows(nl.buurtsignaal.base.UsageException.class,
                () -> new nl.buurtsignaal.hub.AccessLog(new Lake(spark(), root).leases(leases), "hub", leases).open());
        assertTrue(refused.getMessage().contains("another hub serves this lake"), refused.getMessage());
        first.close();
        assertEquals(1, lake.read("audit.access").filter("user = 'rita'").count());
        // released: the next hub starts
        nl.buurtsignaal.hub.AccessLog next = new nl.buurtsignaal.hub.AccessLog(lake, "hub", leases);
        next.open();
        next.close();
    }

    /** spark-submit (client mode, the default): the driver in a child process, executors on the Workers. */
    private static void submit(String... engineArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(javaCommand("2g"));
        // bin/spark-submit runs this class; the arguments are the README's, word for word
        command.addAll(List.of("org.apache.spark.deploy.SparkSubmit",
                "--master", masterUrl, "--conf", "spark.executor.extraJavaOptions=" + QUICK_JIT,
                "--class", "nl.buurtsignaal.cli.Main", APP_JAR.toString()));
        command.addAll(Arrays.asList(engineArgs));
        Path log = work.resolve("submit-" + engineArgs[0] + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("BUURTSIGNAAL_HOME", PROJECT.toString());
        builder.environment().put("SPARK_HOME", SPARK_HOME.toString());
        long started = System.nanoTime();
        Process submit = builder.start();
        assertTrue(submit.waitFor(15, TimeUnit.MINUTES), engineArgs[0] + " on the cluster did not finish");
        assertEquals(0, submit.exitValue(), engineArgs[0] + " on the cluster failed:\n" + tail(log));
        System.out.printf("[cluster] %s submitted and done in %.1f s%n", engineArgs[0], (System.nanoTime() - started) / 1e9);
        Files.copy(log, PROJECT.resolve(TestPaths.ENGINE_BUILD).resolve("it-cluster-submit-" + engineArgs[0] + ".log"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
        command.add(QUICK_JIT);
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
