package nl.buurtsignaal.ingest;

import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.AuditTables;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.SparkSessions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.hadoop.fs.Path;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static nl.buurtsignaal.ingest.DeliveryRows.FILE;
import static nl.buurtsignaal.ingest.DeliveryRows.REASON;
import static nl.buurtsignaal.ingest.DeliveryRows.POSITION;
import static nl.buurtsignaal.ingest.DeliveryRows.ROW;
import static nl.buurtsignaal.ingest.DeliveryRows.SPLIT;
import static org.apache.spark.sql.functions.*;

/**
 * Landing zone → bronze (contract sections 1–3): every delivery not yet in the lake, oldest first
 * per source; manifest, file set, checksums, columns and rows checked; person ids pseudonymised
 * before anything is written; bad rows to quarantine.row; one audit.delivery row per delivery.
 */
public final class Ingest {

    private final Lake lake;
    private final EngineConfig config;
    private final KeyFile keys;
    private final String runId;
    private final Progress progress;
    private LandingZone zone;

    /** What happened to one delivery. */
    public record Outcome(String source, String deliveryId, boolean accepted, String reason, long rowsRead,
                          long rowsQuarantined, List<String> droppedColumns) {
    }

    public Ingest(Lake lake, EngineConfig config, KeyFile keys, String runId, Progress progress) {
        this.lake = lake;
        this.config = config;
        this.keys = keys;
        this.runId = runId;
        this.progress = progress;
    }

    /** Ingests every new delivery of a landing zone (a folder or a Hadoop URI); returns what happened to each. */
    public List<Outcome> ingestAll(String landing) {
        zone = LandingZone.open(lake.spark(), landing);
        DeliveryRows.registerUdfs(lake.spark(), keys.currentPseudonymiser());
        if (!zone.isDirectory(zone.root())) {
            throw new UsageException("landing zone not found: " + landing);
        }
        Set<String> seen = AuditTables.deliveriesSeen(lake);
        List<Path> pending = new ArrayList<>();
        for (Path sourceDir : zone.list(zone.root())) {
            String name = sourceDir.getName();
            if (!zone.isDirectory(sourceDir) || name.startsWith(".") || name.startsWith("_")) {
                continue;
            }
            if (Sources.byName(name).isEmpty()) {
                progress.info("skipped folder " + name + ": not a source of the data contract");
                continue;
            }
            for (Path deliveryDir : zone.list(sourceDir)) {
                if (zone.isDirectory(deliveryDir) && !seen.contains(name + "/" + deliveryDir.getName())) {
                    pending.add(deliveryDir);
                }
            }
        }
        progress.stages(pending.size());
        // A small delivery into a large lake still merges into, or replaces, large bronze tables.
        SparkSessions.fitToInput(lake.spark(), config, pending.stream().mapToLong(zone::bytesUnder).sum() + lake.bytes("bronze"));
        if (pending.isEmpty()) {
            progress.info("nothing new in " + landing + " (" + seen.size() + " deliveries already in the lake)");
        }
        List<Outcome> outcomes = new ArrayList<>();
        List<Row> audit = new ArrayList<>();
        try {
            ingestEach(pending, outcomes, audit);
        } finally {
            // One audit commit for the whole ingest, also when it stops half-way. A delivery that
            // landed in bronze but not yet in the audit is taken again next time: its full
            // overwrite or MERGE gives the same table.
            AuditTables.appendDeliveries(lake, audit);
        }
        return outcomes;
    }

    private void ingestEach(List<Path> pending, List<Outcome> outcomes, List<Row> audit) {
        for (Path deliveryDir : pending) {
            Outcome outcome = ingestOne(deliveryDir);
            outcomes.add(outcome);
            audit.add(auditRow(outcome, keyIdOf(deliveryDir, outcome.source()), runId));
        }
    }

    private Outcome ingestOne(Path deliveryDir) {
        String source = deliveryDir.getParent().getName();
        String deliveryId = deliveryDir.getName();
        progress.step(source + " " + deliveryId);
        Outcome outcome;
        try {
            outcome = ingest(Sources.byName(source).orElseThrow(), deliveryDir);
        } catch (DeliveryRejected rejected) {
            outcome = new Outcome(source, deliveryId, false, rejected.getMessage(), 0, 0, List.of());
        }
        progress.info(outcome.accepted()
                ? String.format("  %s %s: %d rows, %d quarantined%s", source, deliveryId, outcome.rowsRead(),
                        outcome.rowsQuarantined(), outcome.droppedColumns().isEmpty() ? ""
                                : ", dropped columns " + outcome.droppedColumns())
                : "  REJECTED " + source + " " + deliveryId + ": " + outcome.reason());
        return outcome;
    }

    private String keyIdOf(Path deliveryDir, String source) {
        try {
            Manifest m = Manifest.read(zone, deliveryDir, source);
            return m.isPseudonymised() ? m.keyId() : keys.currentKeyId();
        } catch (DeliveryRejected e) {
            return null;
        }
    }

    Outcome ingest(Sources.Source source, Path deliveryDir) {
        // before anything of it is read: a link could point anywhere the engine may read
        String irregular = zone.irregular(deliveryDir);
        if (irregular != null) {
            throw new DeliveryRejected(irregular);
        }
        Manifest manifest = Manifest.read(zone, deliveryDir, source.name());
        DeliveryChecks.checkFileSet(zone, deliveryDir, manifest);
        DeliveryChecks.checkChecksums(zone, deliveryDir, manifest);
        if (manifest.isPseudonymised() && !keys.has(manifest.keyId())) {
            throw new DeliveryRejected("key_id " + manifest.keyId() + " is not in the key file");
        }
        Dataset<Row> files = readFiles(deliveryDir, manifest);
        List<String> dropped = DeliveryChecks.checkColumns(source, manifest, namesOf(files));
        Dataset<Row> delivered = asStringsWithPlace(files, dropped);

        Dataset<Row> checked = DeliveryRows.withProblems(source, manifest, delivered,
                config.settings().provisions().keySet()).persist();
        try {
            // One pass: rows per file (against the manifest), bad rows, and where each file part starts.
            FileSplits splits = FileSplits.of(checked);
            DeliveryChecks.checkRowCounts(manifest, splits.rowsPerFile());
            long badRows = splits.badRows();
            long rowsRead = manifest.files().stream().mapToLong(Manifest.DataFile::rows).sum();
            Dataset<Row> bad = splits.withRowNumbers(checked.filter(col(REASON).isNotNull()));
            double maxShare = config.settings().ingest().maxBadRowShare();
            if (rowsRead > 0 && (double) badRows / rowsRead > maxShare) {
                throw new DeliveryRejected(String.format(java.util.Locale.ROOT,
                        "%d of %d rows are bad (%.1f %%, more than the allowed %.1f %%); first reason: %s",
                        badRows, rowsRead, 100.0 * badRows / rowsRead, 100 * maxShare,
                        bad.orderBy(FILE, ROW).select(REASON).first().getString(0)));
            }
            Dataset<Row> good = DeliveryRows.bronzeRows(source, checked.filter(col(REASON).isNull()), manifest, runId);
            BronzeWriter.write(lake, source, manifest, good);
            if (badRows > 0 || AuditTables.hasQuarantine(lake, source.name(), manifest.deliveryId())) {
                AuditTables.replaceQuarantine(lake, source.name(), manifest.deliveryId(), DeliveryRows.quarantineRows(source, manifest, bad, runId));
            }
            return new Outcome(source.name(), manifest.deliveryId(), true, null, rowsRead, badRows, dropped);
        } finally {
            checked.unpersist();
        }
    }

    /** The delivered files as Spark reads them, every column as delivered. */
    private Dataset<Row> readFiles(Path deliveryDir, Manifest manifest) {
        String[] paths = manifest.files().stream().map(f -> new Path(deliveryDir, f.name()).toString()).toArray(String[]::new);
        Dataset<Row> rows;
        try {
            if (manifest.isCsv()) {
                rows = lake.spark().read()
                        .option("header", "true")
                        .option("sep", manifest.delimiter())
                        .option("encoding", manifest.encoding())
                        .option("quote", "\"")
                        .option("escape", "\"")
                        .option("mode", "PERMISSIVE")
                        .option("inferSchema", "false")
                        .csv(paths);
            } else {
                rows = lake.spark().read().parquet(paths);
            }
            rows.schema();
        } catch (Exception e) { // Spark's AnalysisException is a checked exception thrown from Scala
            throw new DeliveryRejected("data files cannot be read as " + manifest.format());
        }
        return rows;
    }

    /** A delivered column's name as the contract's checks see it. */
    private static String[] namesOf(Dataset<Row> files) {
        return java.util.Arrays.stream(files.schema().fieldNames()).map(String::strip).toArray(String[]::new);
    }

    /**
     * The columns that may land, each as a string, plus where each row sits: its file, the part of
     * it Spark read, its position. The dropped columns go here, before anything is computed, so that
     * a delivered column named like one of the engine's own (_file, _metadata, t_person_id) is
     * only ever dropped and named, never mistaken for the engine's.
     */
    private static Dataset<Row> asStringsWithPlace(Dataset<Row> files, List<String> dropped) {
        List<Column> asStrings = new ArrayList<>();
        for (StructField field : files.schema().fields()) {
            if (!dropped.contains(field.name().strip())) {
                asStrings.add(asString(files.col("`" + field.name() + "`"), field.dataType()).as(field.name().strip()));
            }
        }
        Column metadata = files.metadataColumn("_metadata");
        asStrings.add(metadata.getField("file_name").as(FILE));
        asStrings.add(metadata.getField("file_block_start").as(SPLIT));
        asStrings.add(monotonically_increasing_id().as(POSITION));
        return files.select(asStrings.toArray(new Column[0]));
    }

    private static Column asString(Column c, DataType type) {
        // A parquet date or timestamp as its ISO date (a timestamp's in the session's time zone),
        // by cast: Spark's date_format builds a zoned date-time per row.
        if (type.equals(DataTypes.DateType)) {
            return c.cast(DataTypes.StringType);
        }
        if (type instanceof org.apache.spark.sql.types.TimestampType || type.equals(DataTypes.TimestampNTZType)) {
            return c.cast(DataTypes.DateType).cast(DataTypes.StringType);
        }
        return nullif(c.cast(DataTypes.StringType), lit(""));
    }

    /** For the audit: a row of audit.delivery. */
    public static Row auditRow(Outcome o, String keyId, String runId) {
        return RowFactory.create(o.source(), o.deliveryId(), o.accepted() ? "accepted" : "rejected", o.reason(),
                o.rowsRead(), o.rowsQuarantined(), o.droppedColumns(),
                keyId, runId, Timestamp.from(Instant.now()));
    }
}
