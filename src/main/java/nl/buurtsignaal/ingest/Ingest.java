package nl.buurtsignaal.ingest;

import nl.buurtsignaal.cli.Progress;
import nl.buurtsignaal.cli.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.AuditTables;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.SparkSessions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.*;

/**
 * Landing zone → bronze (contract sections 1–3): every delivery not yet in the lake, oldest first
 * per source; manifest, file set, checksums, columns and rows checked; person ids pseudonymised
 * before anything is written; bad rows to quarantine.row; one audit.delivery row per delivery.
 */
public final class Ingest {
    static final String PSEUDONYM_UDF = "bs_pseudonym";
    static final String IS_BSN_UDF = "bs_is_bsn";
    private static final String FILE = "_file";
    private static final String ROW = "_row";
    private static final String REASON = "_reason";

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
        SparkSession spark = lake.spark();
        Pseudonymiser pseudonymiser = keys.currentPseudonymiser();
        spark.udf().register(PSEUDONYM_UDF, (UDF1<String, String>) v -> v == null ? null : pseudonymiser.person(v),
                DataTypes.StringType);
        spark.udf().register(IS_BSN_UDF, (UDF1<String, Boolean>) Sources::isBsn, DataTypes.BooleanType);
    }

    /** Ingests every new delivery of a landing zone (a folder or a Hadoop URI); returns what happened to each. */
    public List<Outcome> ingestAll(String landing) {
        zone = LandingZone.open(lake.spark(), landing);
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
        Manifest manifest = Manifest.read(zone, deliveryDir, source.name());
        checkFileSet(deliveryDir, manifest);
        checkChecksums(deliveryDir, manifest);
        if (manifest.isPseudonymised() && !keys.has(manifest.keyId())) {
            throw new DeliveryRejected("key_id " + manifest.keyId() + " is not in the key file");
        }
        Dataset<Row> delivered = readFiles(deliveryDir, manifest);
        List<String> dropped = checkColumns(source, manifest, delivered.columns());

        Dataset<Row> checked = check(source, manifest, delivered).persist();
        try {
            // One pass: rows per file (against the manifest) and bad rows.
            long badRows = checkRowCounts(manifest, checked);
            long rowsRead = manifest.files().stream().mapToLong(Manifest.DataFile::rows).sum();
            Dataset<Row> bad = checked.filter(col(REASON).isNotNull());
            double maxShare = config.number("ingest.max_bad_row_share", 0.05);
            if (rowsRead > 0 && (double) badRows / rowsRead > maxShare) {
                throw new DeliveryRejected(String.format(java.util.Locale.ROOT,
                        "%d of %d rows are bad (%.1f %%, more than the allowed %.1f %%); first reason: %s",
                        badRows, rowsRead, 100.0 * badRows / rowsRead, 100 * maxShare,
                        bad.orderBy(FILE, ROW).select(REASON).first().getString(0)));
            }
            Dataset<Row> good = bronzeRows(source, checked.filter(col(REASON).isNull()), manifest);
            writeBronze(source, manifest, good);
            if (badRows > 0 || AuditTables.hasQuarantine(lake, source.name(), manifest.deliveryId())) {
                AuditTables.replaceQuarantine(lake, source.name(), manifest.deliveryId(), quarantineRows(source, manifest, bad));
            }
            return new Outcome(source.name(), manifest.deliveryId(), true, null, rowsRead, badRows, dropped);
        } finally {
            checked.unpersist();
        }
    }

    private void checkFileSet(Path deliveryDir, Manifest manifest) {
        Set<String> present = zone.list(deliveryDir).stream().map(Path::getName)
                .filter(n -> !n.equals(Manifest.FILE_NAME)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> listed = manifest.files().stream().map(Manifest.DataFile::name)
                .collect(Collectors.toCollection(TreeSet::new));
        if (!present.equals(listed)) {
            Set<String> missing = new TreeSet<>(listed);
            missing.removeAll(present);
            Set<String> extra = new TreeSet<>(present);
            extra.removeAll(listed);
            throw new DeliveryRejected("file set differs from the manifest"
                    + (missing.isEmpty() ? "" : ": missing " + missing)
                    + (extra.isEmpty() ? "" : ": not listed " + extra));
        }
    }

    private void checkChecksums(Path deliveryDir, Manifest manifest) {
        for (Manifest.DataFile file : manifest.files()) {
            Path path = new Path(deliveryDir, file.name());
            try (InputStream in = zone.open(path)) {
                if (!sha256(in).equals(file.sha256())) {
                    throw new DeliveryRejected("checksum mismatch for " + file.name());
                }
            } catch (IOException e) {
                throw new DeliveryRejected("file " + file.name() + " cannot be read");
            }
        }
    }

    static String sha256(InputStream data) throws IOException {
        try (DigestInputStream in = new DigestInputStream(data, MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) >= 0) {
                // the digest stream hashes as it reads
            }
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every column as a string, plus the file name and the 1-based row number within it. */
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
        List<Column> asStrings = new ArrayList<>();
        for (StructField field : rows.schema().fields()) {
            asStrings.add(asString(col("`" + field.name() + "`"), field.dataType()).as(field.name().strip()));
        }
        asStrings.add(col("_metadata.file_name").as(FILE));
        asStrings.add(monotonically_increasing_id().as("_order"));
        return rows.select(asStrings.toArray(new Column[0]))
                .withColumn(ROW, row_number().over(Window.partitionBy(FILE).orderBy("_order")))
                .drop("_order");
    }

    private static Column asString(Column c, DataType type) {
        if (type.equals(DataTypes.DateType) || type instanceof org.apache.spark.sql.types.TimestampType
                || type.equals(DataTypes.TimestampNTZType)) {
            return date_format(c, "yyyy-MM-dd");
        }
        return nullif(c.cast(DataTypes.StringType), lit(""));
    }

    private static List<String> checkColumns(Sources.Source source, Manifest manifest, String[] columns) {
        List<String> dropped = new ArrayList<>();
        Set<String> present = new TreeSet<>();
        for (String column : columns) {
            if (column.equals(FILE) || column.equals(ROW)) {
                continue;
            }
            present.add(column);
            boolean known = source.column(column).isPresent() || (manifest.isDelta() && column.equals("op"));
            if (!known && Sources.isForbidden(column)) {
                throw new DeliveryRejected("forbidden column " + column + " (special-category or needless identifying data)");
            }
            if (!known) {
                dropped.add(column);
            }
        }
        for (nl.buurtsignaal.ingest.Column column : source.columns()) {
            if (column.required() && !present.contains(column.name())) {
                throw new DeliveryRejected("required column " + column.name() + " is missing");
            }
        }
        if (manifest.isDelta() && !present.contains("op")) {
            throw new DeliveryRejected("required column op is missing (kind delta)");
        }
        return dropped;
    }

    /** Checks every file's row count against the manifest; returns the number of bad rows. */
    private static long checkRowCounts(Manifest manifest, Dataset<Row> checked) {
        Map<String, Long> counted = new LinkedHashMap<>();
        long bad = 0;
        for (Row r : checked.groupBy(FILE).agg(count(lit(1)), count(col(REASON))).collectAsList()) {
            counted.put(r.getString(0), r.getLong(1));
            bad += r.getLong(2);
        }
        for (Manifest.DataFile file : manifest.files()) {
            long actual = counted.getOrDefault(file.name(), 0L);
            if (actual != file.rows()) {
                throw new DeliveryRejected("row count of " + file.name() + " is " + actual + ", the manifest says " + file.rows());
            }
        }
        return bad;
    }

    /**
     * Adds the typed, pseudonymised columns ({@code t_<name>}) and the first problem of each row.
     * Raw person ids are replaced here, before any row is written anywhere.
     */
    private Dataset<Row> check(Sources.Source source, Manifest manifest, Dataset<Row> delivered) {
        Set<String> present = Set.of(delivered.columns());
        Map<String, Column> raw = new LinkedHashMap<>();
        Map<String, Column> typed = new LinkedHashMap<>();
        String dateFormat = manifest.isCsv() ? manifest.dateFormat() : "yyyy-MM-dd";
        for (nl.buurtsignaal.ingest.Column column : source.columns()) {
            if (present.contains(column.name())) {
                Column value = col(column.name());
                raw.put(column.name(), value);
                typed.put(column.name(), RowChecks.parsed(column, value, dateFormat));
            }
        }
        Column opValid = manifest.isDelta() ? coalesce(col("op").isin("U", "D"), lit(false)) : null;
        Column problem = RowChecks.firstProblem(source, raw, typed, manifest.isPseudonymised(), opValid);
        if (source.name().equals("care_provision")) {
            Set<String> provisions = config.map("provisions").keySet();
            problem = coalesce(problem, when(not(col("provision").isin(provisions.toArray())),
                    lit("provision: unknown provision code (see provisions in conf)")));
        }
        List<String> keyColumns = source.keyColumns();
        Column[] keys = keyColumns.stream().map(k -> typed.get(k)).toArray(Column[]::new);
        Dataset<Row> withProblem = delivered.withColumn(REASON, problem);
        // A key delivered twice: the first row counts, later ones are quarantined.
        Dataset<Row> ranked = withProblem.withColumn("_dup", when(col(REASON).isNull(),
                row_number().over(Window.partitionBy(keys).orderBy(col(FILE), col(ROW)))));
        Dataset<Row> result = ranked.withColumn(REASON, coalesce(col(REASON),
                when(col("_dup").gt(1), lit("duplicate key within the delivery")))).drop("_dup");
        for (Map.Entry<String, Column> t : typed.entrySet()) {
            nl.buurtsignaal.ingest.Column column = source.column(t.getKey()).orElseThrow();
            result = result.withColumn("t_" + t.getKey(), pseudonymised(column, t.getValue(), manifest));
        }
        return result;
    }

    private static Column pseudonymised(nl.buurtsignaal.ingest.Column column, Column value, Manifest manifest) {
        if (manifest.isPseudonymised()) {
            return value;
        }
        return switch (column.check()) {
            case PERSON -> call_udf(PSEUDONYM_UDF, value);
            case BUYER -> when(col("buyer_type").equalTo("company"), value).otherwise(call_udf(PSEUDONYM_UDF, value));
            default -> value;
        };
    }

    /** The clean rows in the contract's column order and types, plus lineage. */
    private Dataset<Row> bronzeRows(Sources.Source source, Dataset<Row> good, Manifest manifest) {
        List<Column> columns = new ArrayList<>();
        Set<String> present = Set.of(good.columns());
        for (nl.buurtsignaal.ingest.Column column : source.columns()) {
            DataType type = sparkType(column.type());
            Column value = present.contains("t_" + column.name()) ? col("t_" + column.name()) : lit(null);
            columns.add(value.cast(type).as(column.name()));
        }
        if (manifest.isDelta()) {
            columns.add(col("op"));
        }
        columns.add(lit(manifest.deliveryId()).as("delivery_id"));
        columns.add(lit(runId).as("run_id"));
        return good.select(columns.toArray(new Column[0]));
    }

    private void writeBronze(Sources.Source source, Manifest manifest, Dataset<Row> rows) {
        String table = "bronze." + source.name();
        if (!manifest.isDelta() || !lake.exists(table)) {
            // kind full: the delivery is the source's new state, in one commit. Earlier states stay
            // reachable through Delta time travel until VACUUM removes them.
            Dataset<Row> state = manifest.isDelta() ? rows.filter(col("op").equalTo("U")).drop("op") : rows;
            lake.overwrite(table, state);
            return;
        }
        String condition = source.keyColumns().stream().map(k -> "t.`" + k + "` <=> s.`" + k + "`")
                .collect(Collectors.joining(" AND "));
        Map<String, Column> assignments = new LinkedHashMap<>();
        for (String column : rows.drop("op").columns()) {
            assignments.put("`" + column + "`", col("s.`" + column + "`"));
        }
        // kind delta: one MERGE on the source's key; D deletes, U upserts.
        lake.deltaTable(table).as("t")
                .merge(rows.as("s"), condition)
                .whenMatched("s.op = 'D'").delete()
                .whenMatched("s.op = 'U'").update(new java.util.HashMap<>(assignments))
                .whenNotMatched("s.op = 'U'").insert(new java.util.HashMap<>(assignments))
                .execute();
        lake.register(table);
    }

    private Dataset<Row> quarantineRows(Sources.Source source, Manifest manifest, Dataset<Row> bad) {
        List<Column> fields = new ArrayList<>();
        Set<String> present = Set.of(bad.columns());
        for (nl.buurtsignaal.ingest.Column column : source.columns()) {
            if (!present.contains(column.name())) {
                continue;
            }
            Column value = switch (column.check()) {
                case PERSON -> keptIfPseudonym(col("t_" + column.name()), lit(false));
                case BUYER -> keptIfPseudonym(col("t_" + column.name()),
                        col("buyer_type").equalTo("company").and(col("t_" + column.name()).rlike("^[0-9]{8}$")));
                default -> col(column.name());
            };
            fields.add(value.as(column.name()));
        }
        if (manifest.isDelta()) {
            fields.add(col("op"));
        }
        return bad.select(
                lit(source.name()).as("source"),
                lit(manifest.deliveryId()).as("delivery_id"),
                col(ROW).cast(DataTypes.LongType).as("row_number"),
                col(FILE).as("file"),
                col(REASON).as("reason"),
                to_json(struct(fields.toArray(new Column[0]))).as("row_json"),
                lit(runId).as("run_id"));
    }

    /**
     * A person id as it may be stored in quarantine: a pseudonym, or else pseudonymised here. A
     * supplier that says "pseudonymised" but sends raw BSNs must not get them into the lake by way
     * of its bad rows.
     */
    private static Column keptIfPseudonym(Column value, Column alsoKeep) {
        return when(value.rlike("^[0-9a-f]{64}$").or(alsoKeep), value).otherwise(call_udf(PSEUDONYM_UDF, value));
    }

    public static DataType sparkType(String type) {
        return switch (type) {
            case "int" -> DataTypes.IntegerType;
            case "long" -> DataTypes.LongType;
            case "double" -> DataTypes.DoubleType;
            case "boolean" -> DataTypes.BooleanType;
            case "date" -> DataTypes.DateType;
            default -> DataTypes.StringType;
        };
    }

    /** For the audit: a row of audit.delivery. */
    public static Row auditRow(Outcome o, String keyId, String runId) {
        return RowFactory.create(o.source(), o.deliveryId(), o.accepted() ? "accepted" : "rejected", o.reason(),
                o.rowsRead(), o.rowsQuarantined(), o.droppedColumns(),
                keyId, runId, Timestamp.from(Instant.now()));
    }
}
