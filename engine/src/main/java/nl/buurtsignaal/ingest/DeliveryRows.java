package nl.buurtsignaal.ingest;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.*;

/**
 * A delivery's rows, from as delivered (every column a string, plus where each row sits:
 * {@link #FILE}, {@link #SPLIT}, {@link #POSITION}) to bronze and quarantine rows: transformations
 * without I/O, so that a test feeds rows in and reads rows out. Raw person ids are replaced in
 * {@link #withProblems}, before any row is written. They call two UDFs that {@link #registerUdfs}
 * registers on the session first.
 */
public final class DeliveryRows {
    /** The data file a row came from. */
    public static final String FILE = "_file";
    /**
     * Where a row sits without a shuffle to number it: the byte offset of the part of its file that
     * Spark read it from, and its position in Spark's partition (Spark's monotonically increasing id).
     * Rows of one part are read in file order and lie next to each other in one partition, so
     * (file, split, position) is the file's row order; {@link FileSplits} turns it into row numbers.
     */
    public static final String SPLIT = "_split";
    public static final String POSITION = "_position";
    /** A row's 1-based row number within its file, added to bad rows only ({@link FileSplits#withRowNumbers}). */
    public static final String ROW = "_row";
    /** The first thing wrong with a row, null for a good row. */
    public static final String REASON = "_reason";
    static final String PSEUDONYM_UDF = "bs_pseudonym";
    static final String IS_BSN_UDF = "bs_is_bsn";

    private DeliveryRows() {
    }

    /**
     * Registers the UDFs the transformations call: the pseudonym of contract section 3 (HMAC-SHA256
     * with the current key; its setup is once per JVM, not per row) and the BSN eleven-test.
     */
    public static void registerUdfs(SparkSession spark, Pseudonymiser pseudonymiser) {
        spark.udf().register(PSEUDONYM_UDF, (UDF1<String, String>) v -> v == null ? null : pseudonymiser.person(v),
                DataTypes.StringType);
        spark.udf().register(IS_BSN_UDF, (UDF1<String, Boolean>) Sources::isBsn, DataTypes.BooleanType);
    }

    /**
     * Adds the typed, pseudonymised columns ({@code t_<name>}) and the first problem of each row.
     * Raw person ids are replaced here, before any row is written anywhere.
     */
    public static Dataset<Row> withProblems(Sources.Source source, Manifest manifest, Dataset<Row> delivered,
                                            Set<String> provisions) {
        Set<String> present = Set.of(delivered.columns());
        Map<String, Column> raw = new LinkedHashMap<>();
        Map<String, Column> typed = new LinkedHashMap<>();
        String dateFormat = manifest.isCsv() ? manifest.dateFormat() : Manifest.ISO_DATE_FORMAT;
        for (ContractColumn column : source.columns()) {
            if (present.contains(column.name())) {
                Column value = col(column.name());
                raw.put(column.name(), value);
                typed.put(column.name(), RowChecks.parsed(column, value, dateFormat));
            }
        }
        Column opValid = manifest.isDelta() ? coalesce(col("op").isin("U", "D"), lit(false)) : null;
        Column problem = RowChecks.firstProblem(source, raw, typed, manifest.isPseudonymised(), opValid);
        if (source.name().equals("care_provision")) {
            problem = coalesce(problem, when(not(col("provision").isin(provisions.toArray())),
                    lit("provision: unknown provision code (see provisions in conf)")));
        }
        List<String> keyColumns = source.keyColumns();
        Column[] keys = keyColumns.stream().map(k -> typed.get(k)).toArray(Column[]::new);
        Dataset<Row> withProblem = delivered.withColumn(REASON, problem);
        // A key delivered twice: the first row counts, later ones are quarantined.
        Dataset<Row> ranked = withProblem.withColumn("_dup", when(col(REASON).isNull(),
                row_number().over(Window.partitionBy(keys).orderBy(col(FILE), col(SPLIT), col(POSITION)))));
        Dataset<Row> result = ranked.withColumn(REASON, coalesce(col(REASON),
                when(col("_dup").gt(1), lit("duplicate key within the delivery")))).drop("_dup");
        for (Map.Entry<String, Column> t : typed.entrySet()) {
            ContractColumn column = source.column(t.getKey()).orElseThrow();
            result = result.withColumn("t_" + t.getKey(), pseudonymised(column, t.getValue(), manifest));
        }
        return result;
    }

    private static Column pseudonymised(ContractColumn column, Column value, Manifest manifest) {
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
    public static Dataset<Row> bronzeRows(Sources.Source source, Dataset<Row> good, Manifest manifest, String runId) {
        List<Column> columns = new ArrayList<>();
        Set<String> present = Set.of(good.columns());
        for (ContractColumn column : source.columns()) {
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

    public static Dataset<Row> quarantineRows(Sources.Source source, Manifest manifest, Dataset<Row> bad, String runId) {
        List<Column> fields = new ArrayList<>();
        Set<String> present = Set.of(bad.columns());
        for (ContractColumn column : source.columns()) {
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
        return when(value.rlike(Pseudonymiser.PATTERN).or(alsoKeep), value).otherwise(call_udf(PSEUDONYM_UDF, value));
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
}
