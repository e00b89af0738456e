package nl.buurtsignaal.serve;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

/**
 * Query results as Arrow record batches, the format Flight SQL sends. The lake's column types map
 * one to one (strings, integers, doubles, booleans, dates, UTC timestamps, decimals); arrays,
 * maps and structs (a signal's evidence, a score's contributions) travel as JSON text, as the
 * {@code sql} command prints them, which every BI tool can show.
 */
final class ArrowRows {
    static final int BATCH_ROWS = 4096;

    private ArrowRows() {
    }

    /** The result with every column of a type Arrow gets as is; nested ones as JSON text, anything else as text. */
    static Dataset<Row> plain(Dataset<Row> rows) {
        StructField[] fields = rows.schema().fields();
        Column[] columns = new Column[fields.length];
        for (int i = 0; i < fields.length; i++) {
            Column c = col("`" + fields[i].name().replace("`", "``") + "`");
            DataType t = fields[i].dataType();
            boolean nested = t instanceof org.apache.spark.sql.types.ArrayType || t instanceof org.apache.spark.sql.types.MapType
                    || t instanceof org.apache.spark.sql.types.StructType;
            columns[i] = (nested ? to_json(c) : arrowType(t) == null ? c.cast("string") : c).as(fields[i].name());
        }
        return rows.select(columns);
    }

    /** The Arrow schema of a {@link #plain} result. */
    static Schema schema(org.apache.spark.sql.types.StructType spark) {
        List<Field> fields = new ArrayList<>();
        for (StructField f : spark.fields()) {
            ArrowType type = arrowType(f.dataType());
            fields.add(new Field(f.name(), new FieldType(true, type == null ? ArrowType.Utf8.INSTANCE : type, null), null));
        }
        return new Schema(fields);
    }

    private static ArrowType arrowType(DataType t) {
        if (t instanceof StringType) {
            return ArrowType.Utf8.INSTANCE;
        } else if (t instanceof IntegerType || t instanceof ShortType || t instanceof ByteType) {
            return new ArrowType.Int(32, true);
        } else if (t instanceof LongType) {
            return new ArrowType.Int(64, true);
        } else if (t instanceof DoubleType || t instanceof FloatType) {
            return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        } else if (t instanceof BooleanType) {
            return ArrowType.Bool.INSTANCE;
        } else if (t instanceof DateType) {
            return new ArrowType.Date(DateUnit.DAY);
        } else if (t instanceof TimestampType) {
            return new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
        } else if (t instanceof DecimalType d) {
            return new ArrowType.Decimal(d.precision(), d.scale(), 128);
        }
        return null;
    }

    /**
     * Fills {@code root} batch by batch from {@code rows} (a {@link #plain} result) and hands each
     * batch to {@code send}; returns the number of rows.
     */
    static long stream(Iterator<Row> rows, VectorSchemaRoot root, Consumer<VectorSchemaRoot> send) {
        List<FieldVector> vectors = root.getFieldVectors();
        long total = 0;
        boolean sentOne = false;
        while (rows.hasNext() || !sentOne) {
            root.allocateNew();
            int n = 0;
            while (n < BATCH_ROWS && rows.hasNext()) {
                Row row = rows.next();
                for (int i = 0; i < vectors.size(); i++) {
                    set(vectors.get(i), n, row, i);
                }
                n++;
            }
            root.setRowCount(n);
            send.accept(root);
            sentOne = true;
            total += n;
        }
        return total;
    }

    private static void set(FieldVector v, int at, Row row, int i) {
        if (row.isNullAt(i)) {
            if (v instanceof VarCharVector s) {
                s.setNull(at);
            } else {
                v.setNull(at);
            }
            return;
        }
        if (v instanceof VarCharVector s) {
            s.setSafe(at, row.get(i).toString().getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof IntVector n) {
            n.setSafe(at, ((Number) row.get(i)).intValue());
        } else if (v instanceof BigIntVector n) {
            n.setSafe(at, row.getLong(i));
        } else if (v instanceof Float8Vector d) {
            d.setSafe(at, ((Number) row.get(i)).doubleValue());
        } else if (v instanceof BitVector b) {
            b.setSafe(at, row.getBoolean(i) ? 1 : 0);
        } else if (v instanceof DateDayVector d) {
            d.setSafe(at, (int) row.getDate(i).toLocalDate().toEpochDay());
        } else if (v instanceof TimeStampMicroTZVector t) {
            java.sql.Timestamp ts = row.getTimestamp(i);
            t.setSafe(at, Math.addExact(Math.multiplyExact(Math.floorDiv(ts.getTime(), 1000L), 1_000_000L), ts.getNanos() / 1000L));
        } else if (v instanceof DecimalVector d) {
            d.setSafe(at, row.getDecimal(i));
        } else {
            throw new IllegalStateException("no Arrow writer for " + v.getClass().getSimpleName());
        }
    }
}
