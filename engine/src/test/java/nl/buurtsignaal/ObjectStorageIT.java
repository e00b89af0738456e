package nl.buurtsignaal;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.hub.Hub;
import nl.buurtsignaal.hub.HubFixture;
import nl.buurtsignaal.hub.HubUsers;
import nl.buurtsignaal.hub.Role;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Lease;
import nl.buurtsignaal.serve.Serve;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lake on S3-compatible object storage: a real S3-protocol server (S3Proxy, bin/s3-test-server,
 * a process of its own on loopback) and Hadoop's S3A connector. The demo runs there by its one
 * documented command, its key pair from the environment; ingest, run, publish, report, sql, the hub,
 * serve, erase and retention take the s3a:// lake as they take a folder, and its gold tables equal a
 * local lake's; a second writer, hub or serve on the same lake is refused (leases in the lake); a
 * server stopped in the middle of a run and started again leaves a lake whose next run equals a
 * clean one.
 */
class ObjectStorageIT extends SparkTestBase {
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final String AS_OF = "2026-10-31";
    private static final String KEY_ID = "buurtsignaal-test";
    private static final String SECRET = "buurtsignaal-test-secret";
    private static final String DEMO = "s3a://buurtsignaal/demo";
    /** Short leases, so that a lost one expires within the test. */
    private static final String[] LEASE_SETTINGS = {"leases.expiry_seconds=4", "leases.renew_seconds=1", "leases.settle_millis=300"};
    private static final String[] LEASES = {"--set", LEASE_SETTINGS[0], "--set", LEASE_SETTINGS[1], "--set", LEASE_SETTINGS[2]};
    /** Both classifications the demo computes: suppression across them decides some cells of either. */
    private static final String AREAS = "cbs-2014,hlt-2026";

    @TempDir
    static Path work;
    static Path s3Data;
    static int port;
    static Process server;
    static Path conf;
    static GeneratedCity city;
    static Lake reference;

    @BeforeAll
    static void startServer() throws Exception {
        s3Data = work.resolve("s3");
        port = freePort();
        startS3();
        // the documented settings file, pointed at this test's port
        conf = work.resolve("s3.yaml");
        Files.writeString(conf, Files.readString(PROJECT.resolve("conf/object-storage/s3-test-server.yaml"))
                .replace("127.0.0.1:9000", "127.0.0.1:" + port));
        // In this JVM the commands share the tests' SparkSession: its S3A settings, with the key pair
        // in the test's own Hadoop configuration (the separate demo process takes it from the environment).
        Configuration hadoop = spark().sparkContext().hadoopConfiguration();
        hadoop.set("fs.s3a.endpoint", "http://127.0.0.1:" + port);
        hadoop.set("fs.s3a.endpoint.region", "us-east-1");
        hadoop.set("fs.s3a.path.style.access", "true");
        hadoop.set("fs.s3a.connection.ssl.enabled", "false");
        hadoop.set("fs.s3a.access.key", KEY_ID);
        hadoop.set("fs.s3a.secret.key", SECRET);
        // fail fast while the server is away (the fault test), rather than retry for minutes
        hadoop.set("fs.s3a.retry.limit", "2");
        hadoop.set("fs.s3a.retry.interval", "200ms");
        hadoop.set("fs.s3a.attempts.maximum", "2");
        hadoop.set("fs.s3a.connection.establish.timeout", "2s");

        // what every S3 lake here must equal: the generated city the other integration tests share,
        // ingested and run on a local lake with both classifications of areas
        city = GeneratedCity.get();
        reference = lake(city.pristineLake);
    }

    @AfterAll
    static void stopServer() throws Exception {
        // the session is the JVM's: leave no table of the bucket in its catalog for the tests after this one
        for (Row database : spark().sql("SHOW DATABASES").collectAsList()) {
            String db = database.getString(0);
            for (Row table : spark().sql("SHOW TABLES IN " + db).collectAsList()) {
                if (table.getBoolean(2)) {
                    continue; // a temporary view of the session
                }
                String name = db + "." + table.getString(1);
                if ("published".equals(db)) {
                    spark().sql("DROP VIEW IF EXISTS " + name);
                    continue;
                }
                boolean onS3;
                try {
                    onS3 = spark().sql("DESCRIBE TABLE EXTENDED " + name).filter("col_name = 'Location'")
                            .collectAsList().stream().anyMatch(r -> r.getString(1).startsWith("s3a:"));
                } catch (Exception e) {
                    onS3 = true; // its files are gone
                }
                if (onS3) {
                    spark().sql("DROP TABLE IF EXISTS " + name);
                }
            }
        }
        if (server != null) {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theDemoRunsOnS3ByItsDocumentedCommandAndEveryCommandTakesTheS3Lake() throws Exception {
        // README: bin/s3-test-server, the key pair in the environment, then one command (here on the
        // generated city rather than the bundled sample, to compare with the city's local lake)
        String printed = stdoutOf(() -> assertEquals(0, cli("demo", "--sample", city.pristineLanding.toString(), "--conf", conf.toString(),
                "--lake", DEMO)));
        assertTrue(printed.contains("bin/buurtsignaal hub --lake " + DEMO + " --conf " + conf), printed);
        assertTrue(Files.isDirectory(s3Data.resolve("buurtsignaal/demo/gold/signal/_delta_log")) || anyFileUnder("demo/gold/signal/_delta_log"),
                "the demo's lake is in the bucket");

        // a command in a process of its own, as the README gives it: the key pair from the environment
        Path log = work.resolve("sql.log");
        ProcessBuilder sql = new ProcessBuilder(PROJECT.resolve("bin/buurtsignaal").toString(), "sql", "--conf", conf.toString(),
                "--lake", DEMO, "SELECT count(*) AS n FROM gold.signal").redirectError(work.resolve("sql.err").toFile())
                .redirectOutput(log.toFile());
        sql.environment().put("AWS_ACCESS_KEY_ID", KEY_ID);
        sql.environment().put("AWS_SECRET_ACCESS_KEY", SECRET);
        sql.environment().put("BUURTSIGNAAL_CDS", "off");
        sql.environment().put("BUURTSIGNAAL_HEAP", "1g");
        Process process = sql.start();
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "sql on S3 did not finish");
        assertEquals(0, process.exitValue(), Files.readString(work.resolve("sql.err")));
        assertEquals(List.of("n", String.valueOf(reference.read("gold.signal").count())), Files.readAllLines(log).stream().map(String::trim).toList());
        assertFalse(Files.readString(work.resolve("sql.err")).contains(SECRET), "the key pair is in no output");

        // the gold tables equal a local lake's of the same sample
        Lake onS3 = new Lake(spark(), DEMO);
        assertSameGold(reference, onS3);

        // every other command takes the s3a:// lake as it takes a folder
        Path published = work.resolve("published");
        assertEquals(0, cli("publish", "--lake", DEMO, "--conf", conf.toString(), "--as-of", AS_OF, "--out", published.toString()));
        try (var files = Files.list(published)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("buurt_indicators_")), "publish wrote its files");
        }
        Path report = work.resolve("report");
        assertEquals(0, cli("report", "--lake", DEMO, "--conf", conf.toString(), "--as-of", AS_OF, "--gemeente",
                "GM" + reference.read("gold.buurt_score").first().getAs("buurt_code").toString().substring(2, 6),
                "--out", report.toString()));
        try (var files = Files.list(report)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".html")), "the report was written");
        }

        // the hub and serve on the S3 lake: each serves, a second of each on the same lake is refused,
        // and what they log reaches audit.access in the lake
        Path users = work.resolve("users.txt");
        HubUsers.add(users, "rita", Role.REVIEWER, HubFixture.PASSWORD);
        HubUsers.add(users, "anna", Role.ANALYST, HubFixture.PASSWORD);
        EngineConfig config = config(LEASE_SETTINGS);
        Lake hubLake = new Lake(spark(), DEMO).leases(config.settings().leases());
        Hub hub = new Hub(hubLake, config, HubUsers.read(users)).start("127.0.0.1", 0, 30);
        try {
            assertEquals(200, new HubFixture.Client(hub.port()).login("rita", HubFixture.PASSWORD).statusCode());
            var second = assertThrows(nl.buurtsignaal.base.UsageException.class,
                    () -> new Hub(new Lake(spark(), DEMO).leases(config.settings().leases()), config, HubUsers.read(users)).start("127.0.0.1", 0, 30));
            assertTrue(second.getMessage().contains("another hub serves this lake"), second.getMessage());
            Serve serve = new Serve(hubLake, config, HubUsers.read(users)).start("127.0.0.1", 0, nl.buurtsignaal.base.Progress.silent());
            try {
                var again = assertThrows(nl.buurtsignaal.base.UsageException.class, () -> new Serve(new Lake(spark(), DEMO)
                        .leases(config.settings().leases()), config, HubUsers.read(users)).start("127.0.0.1", 0, nl.buurtsignaal.base.Progress.silent()));
                assertTrue(again.getMessage().contains("another serve serves this lake"), again.getMessage());
                try (var connection = java.sql.DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + serve.port()
                        + "/?useEncryption=false", "anna", HubFixture.PASSWORD);
                     var rows = connection.createStatement().executeQuery("SELECT count(*) FROM gold.signal")) {
                    assertTrue(rows.next());
                    assertEquals(reference.read("gold.signal").count(), rows.getLong(1));
                }
            } finally {
                serve.close();
            }
        } finally {
            hub.close();
        }
        assertTrue(onS3.read("audit.access").filter("user = 'rita' AND action = 'login'").count() >= 1, "the hub's login is in audit.access");
        assertTrue(onS3.read("audit.access").filter("user = 'anna'").count() >= 1, "serve's login is in audit.access");
        FileSystem fs = onS3.fileSystem();
        assertFalse(fs.exists(new org.apache.hadoop.fs.Path(DEMO + "/_leases/hub.lease")), "the hub gave its lease back");
        assertEquals(0, fs.exists(new org.apache.hadoop.fs.Path(DEMO + "/_journal/hub")) ? fs.listStatus(
                new org.apache.hadoop.fs.Path(DEMO + "/_journal/hub")).length : 0, "the hub's journal is empty after it stopped");

        // erase and retention rewrite and VACUUM tables on S3
        String pseudonym = onS3.read("bronze.brp_residence").select("person_id").first().getString(0);
        assertEquals(0, cli("erase", "--lake", DEMO, "--conf", conf.toString(), "--pseudonym", pseudonym));
        assertEquals(0L, onS3.read("bronze.brp_residence").filter(org.apache.spark.sql.functions.col("person_id").equalTo(pseudonym)).count());
        assertEquals(0, cli("retention", "--lake", DEMO, "--conf", conf.toString(), "--today", "2040-01-01"));
        assertEquals(0L, onS3.read("bronze.brp_residence").filter("valid_to < DATE'2033-01-01'").count());
        assertTrue(onS3.read("audit.run").filter("command IN ('erase', 'retention') AND status = 'succeeded'").count() == 2);
    }

    /**
     * A second writer on the same S3 lake waits while the first holds the lease, and takes over when
     * the first dies without giving it back (its lease expires): the lock is in the lake, so it holds
     * across machines.
     */
    @Test
    void aSecondWriterOnTheSameS3LakeWaitsAndTakesOverALostLeaseAfterItsExpiry() throws Exception {
        String lakeUri = "s3a://buurtsignaal/locking";
        EngineConfig config = config(LEASE_SETTINGS);
        FileSystem other = FileSystem.newInstance(java.net.URI.create(lakeUri), new Configuration(spark().sparkContext().hadoopConfiguration()));
        org.apache.hadoop.fs.Path writerLease = new org.apache.hadoop.fs.Path(lakeUri + "/_leases/writer.lease");
        Lease first = Lease.tryTake(other, writerLease, config.settings().leases()).orElseThrow();
        assertTrue(first.held());
        assertTrue(Lease.tryTake(other, writerLease, config.settings().leases()).isEmpty(), "a held lease is not taken");

        List<String> told = new CopyOnWriteArrayList<>();
        Lake lake = new Lake(spark(), lakeUri).leases(config.settings().leases());
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try (var lock = lake.lockForWriting(told::add)) {
                lake.overwrite("hub.probe", spark().range(3).toDF());
            }
        });
        Thread.sleep(3_000);
        assertFalse(second.isDone(), "the second writer must wait while the first renews its lease");
        assertEquals(1, told.size(), told.toString());
        assertTrue(told.get(0).contains("waiting"), told.get(0));
        assertEquals(0, lake.tables().size(), "nothing written while waiting");

        // the first dies: no more renewals, the lease is left behind and expires
        long died = System.nanoTime();
        stopRenewing(first);
        second.get(60, TimeUnit.SECONDS);
        long waited = (System.nanoTime() - died) / 1_000_000;
        assertTrue(waited >= 2_000, "taken over after " + waited + " ms, before the dead holder's lease expired");
        assertEquals(3, lake.read("hub.probe").count());
        assertFalse(other.exists(writerLease), "the second writer gave the lease back when done");
        other.close();
    }

    /**
     * The S3 server stops in the middle of a run and starts again: the run fails (or rides it out),
     * the next run completes, and the lake equals a clean run's.
     */
    @Test
    void aRunInterruptedByTheStoreGoingAwayIsRepairedByTheNextRun() throws Exception {
        // the city's deliveries as ingested (bronze, and audit.delivery), copied into the bucket
        String faulty = "s3a://buurtsignaal/fault";
        Configuration hadoop = spark().sessionState().newHadoopConf();
        FileSystem local = FileSystem.getLocal(hadoop);
        FileSystem s3 = new org.apache.hadoop.fs.Path(faulty).getFileSystem(hadoop);
        for (String folder : List.of("bronze", "audit/delivery")) {
            assertTrue(org.apache.hadoop.fs.FileUtil.copy(local, new org.apache.hadoop.fs.Path(city.pristineLake.resolve(folder).toUri()), s3,
                    new org.apache.hadoop.fs.Path(faulty + "/" + folder), false, hadoop));
        }
        // ingest on S3 finds every delivery of the landing zone there already
        assertEquals(0, cli("ingest", "--landing", city.pristineLanding.toString(), "--lake", faulty, "--key-file", city.key.toString()));
        assertEquals(new Lake(spark(), faulty).read("bronze.brp_residence").count(), reference.read("bronze.brp_residence").count());
        List<Integer> exit = new ArrayList<>();
        Thread running = new Thread(() -> exit.add(cli(withLeases("run", "--lake", faulty, "--as-of", AS_OF, "--areas", AREAS))));
        running.start();
        // stop the server once the run has committed something of silver, start it again a while later
        Lake lake = new Lake(spark(), faulty);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!lake.exists("silver.person") && running.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        server.destroyForcibly();
        server.waitFor(20, TimeUnit.SECONDS);
        Thread.sleep(4_000);
        startS3();
        running.join(TimeUnit.MINUTES.toMillis(5));
        assertFalse(running.isAlive(), "the interrupted run ended");

        assertEquals(0, cli(withLeases("run", "--lake", faulty, "--as-of", AS_OF, "--areas", AREAS)), "the next run completes");
        assertSameGold(reference, new Lake(spark(), faulty));
        String status = sql("SELECT status FROM delta.`" + faulty + "/audit/run` WHERE command = 'run' ORDER BY started_at")
                .collectAsList().stream().map(r -> r.getString(0)).toList().toString();
        assertTrue(status.endsWith("succeeded]"), status);
        assertTrue(exit.get(0) == 0 || status.contains("failed"), "a failed run is in audit.run as failed: " + status);
    }

    private static String[] withLeases(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(LEASES));
        return all.toArray(new String[0]);
    }

    private static void assertSameGold(Lake expected, Lake actual) {
        for (String table : List.of("gold.signal", "gold.buurt_indicator", "gold.buurt_score")) {
            Dataset<Row> want = expected.read(table);
            Dataset<Row> got = actual.read(table);
            List<String> columns = List.of(want.columns()).stream().filter(c -> !List.of("run_id", "computed_at").contains(c)).toList();
            var wantRows = rows(want.selectExpr(columns.toArray(new String[0])));
            var gotRows = rows(got.selectExpr(columns.toArray(new String[0])));
            assertFalse(wantRows.isEmpty(), table);
            assertEquals(wantRows, gotRows, table + " differs between S3 and a local lake");
        }
    }

    /** Ends a lease's renewals without giving it back, as a holder that dies does. */
    private static void stopRenewing(Lease lease) throws Exception {
        var abandon = Lease.class.getDeclaredMethod("abandon");
        abandon.setAccessible(true);
        abandon.invoke(lease);
    }

    private static boolean anyFileUnder(String prefix) throws IOException {
        try (var files = Files.walk(s3Data)) {
            return files.anyMatch(f -> f.toString().contains(prefix));
        }
    }

    private static void startS3() throws Exception {
        server = new ProcessBuilder(PROJECT.resolve("bin/s3-test-server").toString(), "--port", String.valueOf(port),
                "--dir", s3Data.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("s3-server.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                assertTrue(server.isAlive(), "the S3 server ended: " + Files.readString(work.resolve("s3-server.log")));
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the S3 server did not open port " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
