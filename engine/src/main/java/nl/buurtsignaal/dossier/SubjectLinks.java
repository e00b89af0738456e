package nl.buurtsignaal.dossier;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import java.time.LocalDate;
import java.util.List;

import static org.apache.spark.sql.functions.*;

/**
 * gold.subject_link for one as_of (contract section 9): who and what is linked to whom, from the
 * registries only (BAG, HR, BRP, BRK as conformed in silver): never from care data or enforcement
 * cases. One row per (from, to, link) with the earliest date the link is known from.
 *
 * <ul>
 *   <li>{@code registered_at}: a company and the address of one of its active establishments;</li>
 *   <li>{@code officer_of}: a person pseudonym and a company, the role active on as_of;</li>
 *   <li>{@code lives_at}: a person pseudonym and the address they are a resident of on as_of;</li>
 *   <li>{@code owns} / {@code bought}: the buyer (company or person) of an object in the transfer
 *       window: {@code owns} for the object's latest transfer, {@code bought} for earlier ones;</li>
 *   <li>{@code object_at}: an object (verblijfsobject) and its address.</li>
 * </ul>
 */
public final class SubjectLinks {
    /** The silver tables the links read: none holds care data or enforcement cases. */
    public static final List<String> READS = List.of(Tables.SILVER_ESTABLISHMENT, Tables.SILVER_OFFICER,
            Tables.SILVER_RESIDENT, Tables.SILVER_TRANSFER, Tables.SILVER_ADDRESS);
    /** The bronze tables behind them: what makes the links of an as_of stale. */
    public static final List<String> INPUTS = List.of(Tables.bronze("bag_address"), Tables.bronze("brp_residence"),
            Tables.bronze("hr_establishment"), Tables.bronze("hr_officer"), Tables.bronze("brk_transfer"));
    public static final List<String> LINKS = List.of("registered_at", "officer_of", "lives_at", "owns", "bought", "object_at");

    private SubjectLinks() {
    }

    /** The transfer window of owns/bought: the catalogue's window for transfers (dossier.transfer_window_months). */
    public static int transferWindowMonths(EngineConfig config) {
        return config.settings().dossier().transferWindowMonths();
    }

    /** The links of as_of, from the silver tables of as_of as {@code silver} gives them (the run's own, held in memory where they are). */
    public static Dataset<Row> of(java.util.function.Function<String, Dataset<Row>> silver, EngineConfig config, LocalDate asOf) {
        java.util.function.Function<String, Dataset<Row>> on = table -> silver.apply(table).filter(Lake.isAsOf(asOf));
        return of(on.apply(Tables.SILVER_ESTABLISHMENT), on.apply(Tables.SILVER_OFFICER), on.apply(Tables.SILVER_RESIDENT),
                on.apply(Tables.SILVER_TRANSFER), on.apply(Tables.SILVER_ADDRESS), asOf, transferWindowMonths(config));
    }

    static Dataset<Row> of(Dataset<Row> establishment, Dataset<Row> officer, Dataset<Row> resident, Dataset<Row> transfer,
                           Dataset<Row> address, LocalDate asOf, int windowMonths) {
        Column on = lit(java.sql.Date.valueOf(asOf));
        Dataset<Row> registeredAt = establishment.filter(col("is_active").and(col("address_id").isNotNull()))
                .select(lit("company").as("from_type"), col("kvk_number").as("from_id"), lit("address").as("to_type"),
                        col("address_id").as("to_id"), lit("registered_at").as("link"), col("registered_on").as("since"));
        Dataset<Row> officerOf = officer.filter(col("valid_from").leq(on).and(col("valid_to").isNull().or(col("valid_to").gt(on))))
                .select(lit("person").as("from_type"), col("person_id").as("from_id"), lit("company").as("to_type"),
                        col("kvk_number").as("to_id"), lit("officer_of").as("link"), col("valid_from").as("since"));
        Dataset<Row> livesAt = resident.filter(col("address_id").isNotNull())
                .select(lit("person").as("from_type"), col("person_id").as("from_id"), lit("address").as("to_type"),
                        col("address_id").as("to_id"), lit("lives_at").as("link"), col("valid_from").as("since"));
        // "in the last N months": as_of - N months < d <= as_of (contract section 5)
        Dataset<Row> recent = transfer.filter(col("transfer_date").gt(add_months(on, -windowMonths))
                        .and(col("transfer_date").leq(on)).and(col("buyer_id").isNotNull()))
                .withColumn("_latest", row_number().over(Window.partitionBy("object_id")
                        .orderBy(col("transfer_date").desc(), col("transfer_id").desc())).equalTo(1));
        Dataset<Row> bought = recent.select(col("buyer_type").as("from_type"), col("buyer_id").as("from_id"),
                lit("object").as("to_type"), col("object_id").as("to_id"),
                when(col("_latest"), lit("owns")).otherwise(lit("bought")).as("link"), col("transfer_date").as("since"));
        Dataset<Row> objectAt = address.filter(col("object_id").isNotNull())
                .select(lit("object").as("from_type"), col("object_id").as("from_id"), lit("address").as("to_type"),
                        col("address_id").as("to_id"), lit("object_at").as("link"), lit(null).cast("date").as("since"));
        return registeredAt.unionByName(officerOf).unionByName(livesAt).unionByName(bought).unionByName(objectAt)
                .groupBy("from_type", "from_id", "to_type", "to_id", "link").agg(min("since").as("since"))
                .select(on.as("as_of"), col("from_type"), col("from_id"), col("to_type"), col("to_id"), col("link"), col("since"));
    }
}
