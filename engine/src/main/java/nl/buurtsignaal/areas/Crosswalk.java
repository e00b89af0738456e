package nl.buurtsignaal.areas;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import static org.apache.spark.sql.functions.*;

/**
 * The crosswalk between two classifications of one as_of, computed from the addresses: for each
 * area of one ({@code from}) and each area of the other ({@code to}) the addresses placed in both,
 * and the residents living there, with their share of the {@code from} area's. A split area's
 * shares add up to 1 over its parts; a merged area takes each old area whole. Only addresses
 * placed in both classifications count. The trend across a redrawing carries the earlier
 * numerators and denominators over through these shares.
 */
public final class Crosswalk {
    private Crosswalk() {
    }

    /**
     * Rows of gold.area_crosswalk (without as_of) for every ordered pair of classifications in
     * {@code placed} (silver.address_area's columns {@code areas}, {@code address_id},
     * {@code area_code}, {@code status}); {@code residents} has {@code address_id}, one row per resident.
     */
    public static Dataset<Row> of(Dataset<Row> placed, Dataset<Row> residents) {
        Dataset<Row> in = placed.filter(col("status").equalTo(Placer.PLACED)).select("areas", "address_id", "area_code");
        Dataset<Row> perAddress = residents.groupBy("address_id").agg(count(lit(1)).as("residents"));
        Dataset<Row> from = in.withColumnRenamed("areas", "from_areas").withColumnRenamed("area_code", "from_code");
        Dataset<Row> to = in.withColumnRenamed("areas", "to_areas").withColumnRenamed("area_code", "to_code");
        Dataset<Row> pairs = from.join(to, "address_id").filter(col("from_areas").notEqual(col("to_areas")))
                .join(perAddress, new String[]{"address_id"}, "left")
                .groupBy("from_areas", "from_code", "to_areas", "to_code")
                .agg(count(lit(1)).as("addresses"), coalesce(sum("residents"), lit(0L)).as("residents"));
        WindowSpec fromArea = Window.partitionBy("from_areas", "from_code", "to_areas");
        return pairs
                .withColumn("address_share", col("addresses").divide(sum("addresses").over(fromArea)))
                .withColumn("resident_share", when(sum("residents").over(fromArea).gt(0),
                        col("residents").divide(sum("residents").over(fromArea))))
                .select("from_areas", "from_code", "to_areas", "to_code", "addresses", "address_share", "residents",
                        "resident_share");
    }
}
