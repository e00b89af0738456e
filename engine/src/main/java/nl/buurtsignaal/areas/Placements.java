package nl.buurtsignaal.areas;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.*;

/**
 * Every address placed in every chosen classification, as a Spark job: a classification's
 * {@link Placer} is broadcast once and applied per row, so 10 million addresses over thousands of
 * polygons stay one pass over BAG. The rows ({@code silver.address_area}) keep the addresses that
 * were not placed, with the reason, so that nothing is dropped silently.
 */
public final class Placements {
    /** The columns of silver.address_area (before as_of). */
    public static final StructType SCHEMA = new StructType()
            .add("areas", DataTypes.StringType, false)
            .add("address_id", DataTypes.StringType)
            .add("area_code", DataTypes.StringType)
            .add("delivered_code", DataTypes.StringType)
            .add("point_code", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add("disagrees", DataTypes.BooleanType);

    private static final StructType PLACE = new StructType()
            .add("area_code", DataTypes.StringType)
            .add("point_code", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add("disagrees", DataTypes.BooleanType);

    /** How many addresses a classification placed, and why the others were not. */
    public record Counts(String areas, long addresses, long placed, long outside, long noPoint, long unknownCode,
                         long notCovered, long disagreeing) {
        /** One line for the run's output. */
        public String line() {
            return String.format(java.util.Locale.ROOT, "areas %s: %d of %d addresses placed; %d outside every area, "
                            + "%d without a point, %d with an unknown code, %d not covered; %d whose point lies in another area",
                    areas, placed, addresses, outside, noPoint, unknownCode, notCovered, disagreeing);
        }
    }

    private Placements() {
    }

    /**
     * The addresses of BAG ({@code address_id}, {@code buurt_code}, {@code postcode}, {@code x_rd},
     * {@code y_rd}; the last three may be absent) placed in each classification.
     */
    public static Dataset<Row> of(Dataset<Row> bag, List<Classification> classifications) {
        SparkSession spark = bag.sparkSession();
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> columns = List.of(bag.columns());
        Column postcode = columns.contains("postcode") ? col("postcode") : lit(null).cast("string");
        Column x = columns.contains("x_rd") ? col("x_rd").cast("double") : lit(null).cast("double");
        Column y = columns.contains("y_rd") ? col("y_rd").cast("double") : lit(null).cast("double");
        Dataset<Row> all = null;
        for (Classification c : classifications) {
            Broadcast<Placer> placer = context.broadcast(new Placer(c));
            UserDefinedFunction place = udf((UDF4<String, String, Double, Double, Row>) (code, pc, px, py) -> {
                Placer.Place p = placer.value().place(code, pc, px, py);
                return RowFactory.create(p.areaCode(), p.pointCode(), p.status(), p.disagrees());
            }, PLACE);
            Dataset<Row> placed = bag.select(col("address_id"), col("buurt_code").as("delivered_code"),
                            place.apply(col("buurt_code"), postcode, x, y).as("p"))
                    .select(lit(c.name()).as("areas"), col("address_id"), col("p.area_code"), col("delivered_code"),
                            col("p.point_code"), col("p.status"), col("p.disagrees"));
            all = all == null ? placed : all.unionByName(placed);
        }
        if (all == null) {
            return spark.createDataFrame(List.of(), SCHEMA);
        }
        return all;
    }

    /** The counts per classification of placed rows ({@link #of}), in the order of the classifications. */
    public static List<Counts> counts(Dataset<Row> placed, List<Classification> classifications) {
        Map<String, Map<String, long[]>> by = new TreeMap<>();
        for (Row r : placed.groupBy("areas", "status").agg(count(lit(1)), sum(when(col("disagrees"), 1).otherwise(0)))
                .collectAsList()) {
            by.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getString(1), new long[]{r.getLong(2),
                    r.isNullAt(3) ? 0 : r.getLong(3)});
        }
        List<Counts> counts = new ArrayList<>();
        for (Classification c : classifications) {
            Map<String, long[]> s = by.getOrDefault(c.name(), Map.of());
            long total = s.values().stream().mapToLong(v -> v[0]).sum();
            long disagreeing = s.values().stream().mapToLong(v -> v[1]).sum();
            counts.add(new Counts(c.name(), total, n(s, Placer.PLACED), n(s, Placer.OUTSIDE), n(s, Placer.NO_POINT),
                    n(s, Placer.UNKNOWN_CODE), n(s, Placer.NOT_COVERED), disagreeing));
        }
        return counts;
    }

    private static long n(Map<String, long[]> s, String status) {
        long[] v = s.get(status);
        return v == null ? 0 : v[0];
    }

    /** The areas of the classifications with their parent levels: silver.area. */
    public static Dataset<Row> areas(SparkSession spark, List<Classification> classifications) {
        StructType schema = new StructType().add("areas", DataTypes.StringType, false)
                .add("area_code", DataTypes.StringType, false).add("area_name", DataTypes.StringType)
                .add("wijk_code", DataTypes.StringType).add("wijk_name", DataTypes.StringType)
                .add("gemeente_code", DataTypes.StringType).add("gemeente_name", DataTypes.StringType)
                .add("placement", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        for (Classification c : classifications) {
            for (Classification.Area a : c.areas()) {
                rows.add(RowFactory.create(c.name(), a.code(), a.name(), a.wijkCode(), a.wijkName(), a.gemeenteCode(),
                        a.gemeenteName(), c.placement().name().toLowerCase()));
            }
        }
        return spark.createDataFrame(rows, schema);
    }
}
