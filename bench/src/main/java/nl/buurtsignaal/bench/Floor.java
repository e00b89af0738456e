package nl.buurtsignaal.bench;

import nl.buurtsignaal.base.FileTrees;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.conform.Conform;
import nl.buurtsignaal.ingest.LandingZone;
import nl.buurtsignaal.ingest.Manifest;
import nl.buurtsignaal.lake.HeldTables;
import nl.buurtsignaal.lake.SparkSessions;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

/**
 * What Spark and Delta cost on this machine for a lake of the engine's shape, with none of the
 * engine's work: every delivered file read once and written unchanged to a Delta table (one commit
 * per delivery, as ingest makes), then as many Delta tables written from those as a run writes
 * (ten silver tables, the reference, signals, indicators, scores and the audit rows), each a plain
 * copy or one aggregate of a bronze table read once (and held in memory where the engine holds it).
 * Measured in a JVM of its own, cold, with the engine's Spark settings (the small-input profile
 * where the engine takes it). The engine's time above this floor is the engine's own; the floor
 * itself is the price of the stage boundaries in the lake.
 *
 * <p>It copies deliveries as delivered, identifiers and all, into a scratch lake that it removes
 * afterwards: it is for the bench's generated cities, never for a municipality's landing zone.
 */
public final class Floor {
    /** Seconds, Spark jobs and Delta commits of the floor's two halves. */
    public record Figures(double ingestSeconds, long ingestJobs, int ingestCommits,
                          double runSeconds, long runJobs, int runCommits) {
    }

    private final SparkSession spark;
    private final EngineConfig config;
    private int commits;

    public Floor(SparkSession spark, EngineConfig config) {
        this.spark = spark;
        this.config = config;
    }

    public Figures measure(Path landing, Path lakeDir, LocalDate asOf) throws IOException {
        FileTrees.deleteRecursively(lakeDir);
        JobClock clock = new JobClock();
        spark.sparkContext().addSparkListener(clock);
        try {
            List<Path> deliveries = deliveries(landing);
            SparkSessions.fitToInput(spark, config, bytes(landing.toString()));
            long started = System.nanoTime();
            List<Row> audit = new ArrayList<>();
            for (Path delivery : deliveries) {
                String source = delivery.getParent().getFileName().toString();
                write(read(delivery), lakeDir.resolve("bronze").resolve(source));
                audit.add(org.apache.spark.sql.RowFactory.create(source, delivery.getFileName().toString()));
            }
            write(spark.createDataFrame(audit, new org.apache.spark.sql.types.StructType()
                    .add("source", "string").add("delivery_id", "string")), lakeDir.resolve("audit").resolve("delivery"));
            double ingestSeconds = seconds(started);
            long[] afterIngest = clock.read(System.currentTimeMillis());
            int ingestCommits = commits;

            boolean hold = HeldTables.wanted(config,
                    SparkSessions.fitToInput(spark, config, bytes(lakeDir.resolve("bronze").toString())));
            started = System.nanoTime();
            // each bronze table read once, and held in memory where the engine holds it (small inputs)
            java.util.Map<String, Dataset<Row>> bronze = new java.util.LinkedHashMap<>();
            for (String source : Conform.SOURCES) {
                Dataset<Row> rows = spark.read().format("delta").load(lakeDir.resolve("bronze").resolve(source).toString());
                bronze.put(source, hold ? rows.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK()) : rows);
            }
            for (var silver : Tables.SILVER_INPUTS.entrySet()) {
                Dataset<Row> rows = bronze.get(Tables.sourceOf(silver.getValue().get(0)));
                write(rows.withColumn("as_of", lit(java.sql.Date.valueOf(asOf))), lakeDir.resolve("silver").resolve(name(silver.getKey())));
            }
            write(Conform.referenceBuurten(spark, config), lakeDir.resolve("silver").resolve("buurt"));
            Dataset<Row> residents = bronze.get("brp_residence");
            write(residents.groupBy(col("address_id")).agg(count(lit(1)).as("n")).filter(col("n").gt(8)),
                    lakeDir.resolve("gold").resolve("signal"));
            Dataset<Row> indicators = residents.groupBy(col("address_id").substr(1, 4).as("k")).agg(count(lit(1)).as("n"));
            write(indicators, lakeDir.resolve("gold").resolve("buurt_indicator"));
            write(indicators.repartition(1), lakeDir.resolve("gold").resolve("buurt_score"));
            bronze.values().forEach(Dataset::unpersist);
            write(spark.range(1).toDF(), lakeDir.resolve("audit").resolve("computed"));
            write(spark.range(1).toDF(), lakeDir.resolve("audit").resolve("run"));
            double runSeconds = seconds(started);
            long[] afterRun = clock.read(System.currentTimeMillis());
            return new Figures(ingestSeconds, afterIngest[0], ingestCommits, runSeconds, afterRun[0] - afterIngest[0],
                    commits - ingestCommits);
        } finally {
            spark.sparkContext().removeSparkListener(clock);
            FileTrees.deleteRecursively(lakeDir);
        }
    }

    /** A delivery's files as the engine reads them (its manifest's format, delimiter and encoding), unchecked. */
    private Dataset<Row> read(Path delivery) {
        Manifest manifest = Manifest.read(delivery, delivery.getParent().getFileName().toString());
        String[] files = manifest.files().stream().map(f -> delivery.resolve(f.name()).toString()).toArray(String[]::new);
        if (manifest.isCsv()) {
            return spark.read().option("header", "true").option("sep", manifest.delimiter())
                    .option("encoding", manifest.encoding()).option("quote", "\"").option("escape", "\"")
                    .csv(files);
        }
        return spark.read().parquet(files);
    }

    private void write(Dataset<Row> rows, Path table) {
        rows.write().format("delta").mode("overwrite").save(table.toString());
        commits++;
    }

    private static List<Path> deliveries(Path landing) {
        List<Path> deliveries = new ArrayList<>();
        for (String source : Conform.SOURCES) {
            Path dir = landing.resolve(source);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> children = Files.list(dir)) {
                children.filter(d -> Files.isRegularFile(d.resolve(Manifest.FILE_NAME))).sorted().forEach(deliveries::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return deliveries;
    }

    private long bytes(String dir) {
        LandingZone files = LandingZone.open(spark, dir);
        return files.bytesUnder(files.root());
    }

    private static String name(String table) {
        return table.substring(table.indexOf('.') + 1);
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
