package nl.buurtsignaal.conform;

import nl.buurtsignaal.base.EngineException;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nl.buurtsignaal.areas.Classification;
import nl.buurtsignaal.areas.Crosswalk;
import nl.buurtsignaal.areas.Placements;

import static org.apache.spark.sql.functions.*;

/**
 * Bronze → silver for one reference date: the tables the catalogue's SQL reads. Each is written
 * with its {@code as_of} and replaces that as_of's earlier rows (Delta replaceWhere), so results
 * for several reference dates live side by side.
 */
public final class Conform {
    /** The sources of contract section 2, in their ingest order. */
    public static final List<String> SOURCES = Tables.SOURCES;

    /**
     * The settings of conf/ that conforming reads, besides bronze: what the silver tables' own
     * fingerprint is made of (a changed rule threshold keeps silver). Read nothing else here.
     */
    public static final List<String> SETTINGS = List.of("risk_branches", "provisions");

    /**
     * The silver tables of one as_of, lazily defined, in the order they are written, and the bronze
     * tables (by source) they read: holding one of those in memory serves every silver table that
     * reads it.
     */
    public record Plan(Map<String, Dataset<Row>> bronze, Map<String, Dataset<Row>> silver) {
    }

    private Conform() {
    }

    /** The silver tables for as_of over the lake's current bronze tables. */
    public static Plan plan(Lake lake, EngineConfig config, LocalDate asOf) {
        return plan(lake, config, asOf, false);
    }

    /**
     * The silver tables for as_of over the lake's current bronze tables, read from their data files
     * as Delta Kernel lists them when {@code fromFiles} (see {@link Lake#readFiles}).
     */
    public static Plan plan(Lake lake, EngineConfig config, LocalDate asOf, boolean fromFiles) {
        Map<String, Dataset<Row>> bronze = new LinkedHashMap<>();
        for (String source : SOURCES) {
            if (!lake.exists(Tables.bronze(source))) {
                throw new EngineException(Tables.bronze(source) + " is not in the lake: ingest a " + source + " delivery first");
            }
            bronze.put(source, fromFiles ? lake.readFiles(Tables.bronze(source)) : lake.read(Tables.bronze(source)));
        }
        return plan(bronze, config, asOf);
    }

    /**
     * The silver tables for as_of over given bronze tables, by source: the models read bronze at
     * the Delta versions they record, so that a retrained version sees what the first one saw.
     */
    public static Plan plan(Map<String, Dataset<Row>> bronze, EngineConfig config, LocalDate asOf) {
        Column on = lit(java.sql.Date.valueOf(asOf));
        Dataset<Row> address = addressesOf(bronze.get("bag_address"));
        Dataset<Row> residence = residencesUpTo(bronze.get("brp_residence"), on, address);
        Dataset<Row> resident = residentsOn(residence, on);
        Dataset<Row> establishment = establishmentsOn(bronze.get("hr_establishment"), on, address,
                config.settings().riskBranches());
        Map<String, Dataset<Row>> silver = new LinkedHashMap<>();
        silver.put(Tables.SILVER_ADDRESS, address);
        silver.put(Tables.SILVER_RESIDENCE, residence);
        silver.put(Tables.SILVER_RESIDENT, resident);
        silver.put(Tables.SILVER_HOUSEHOLD, householdsOf(resident, address));
        silver.put(Tables.SILVER_ESTABLISHMENT, establishment);
        silver.put(Tables.SILVER_COMPANY, companiesOf(establishment));
        silver.put(Tables.SILVER_OFFICER, bronze.get("hr_officer").filter(col("valid_from").leq(on))
                .select("kvk_number", "person_id", "role", "valid_from", "valid_to"));
        silver.put(Tables.SILVER_TRANSFER, transferChains(bronze.get("brk_transfer"), on, address));
        silver.put(Tables.SILVER_ENFORCEMENT_CASE, casesUpTo(bronze.get("enforcement_case"), on, address));
        silver.put(Tables.SILVER_PROVISION, provisionsOn(bronze.get("care_provision"), on, config.settings().provisions()));
        silver.replaceAll((name, rows) -> rows.withColumn("as_of", on).select(asOfFirst(rows)));
        return new Plan(bronze, silver);
    }

    private static Column[] asOfFirst(Dataset<Row> rows) {
        Column[] columns = new Column[rows.columns().length + 1];
        columns[0] = col("as_of");
        for (int i = 0; i < rows.columns().length; i++) {
            columns[i + 1] = col(rows.columns()[i]);
        }
        return columns;
    }

    /** Writes planned silver tables, each replacing its as_of's earlier rows (Delta replaceWhere on as_of). */
    public static void write(Lake lake, LocalDate asOf, Map<String, Dataset<Row>> silver, Progress progress) {
        for (Map.Entry<String, Dataset<Row>> table : silver.entrySet()) {
            progress.info("  " + table.getKey());
            lake.replaceAsOf(table.getKey(), asOf, table.getValue());
        }
    }

    /**
     * The areas of a run: silver.buurt (the CBS reference the deliveries are coded in), silver.area
     * (the areas of every chosen classification) and, for as_of, silver.address_area (every BAG
     * address placed in each, with the reason where it was not) and gold.area_crosswalk between
     * them (when there are two or more). {@code asWritten} lets the caller
     * hold silver.buurt for the catalogue. Returns the placement's counts per classification.
     */
    public static List<Placements.Counts> writeAreas(Lake lake, EngineConfig config, LocalDate asOf, Dataset<Row> bag,
                                                     List<Classification> chosen,
                                                     java.util.function.UnaryOperator<Dataset<Row>> asWritten) {
        lake.overwrite(Tables.SILVER_BUURT, asWritten.apply(referenceBuurten(lake.spark(), config)));
        lake.overwrite(Tables.SILVER_AREA, Placements.areas(lake.spark(), chosen).repartition(1));
        Dataset<Row> placed = Placements.of(bag, chosen);
        lake.replaceAsOf(Tables.SILVER_ADDRESS_AREA, asOf, placed.withColumn("as_of", lit(java.sql.Date.valueOf(asOf)))
                .select(asOfFirst(placed)));
        Dataset<Row> written = lake.readAsOf(Tables.SILVER_ADDRESS_AREA, asOf);
        if (chosen.size() > 1 || lake.exists(Tables.AREA_CROSSWALK)) {
            Dataset<Row> crosswalk = Crosswalk.of(written, lake.readAsOf(Tables.SILVER_RESIDENT, asOf));
            lake.replaceAsOf(Tables.AREA_CROSSWALK, asOf, crosswalk.withColumn("as_of", lit(java.sql.Date.valueOf(asOf)))
                    .select(asOfFirst(crosswalk)).repartition(1));
        }
        return Placements.counts(written, chosen);
    }

    /** The CBS neighbourhood reference of conf/ (codes, names, wijk, gemeente): silver.buurt. */
    public static Dataset<Row> referenceBuurten(org.apache.spark.sql.SparkSession spark, EngineConfig config) {
        java.nio.file.Path file = config.resolve(config.settings().referenceBuurten());
        if (!file.toFile().isFile()) {
            throw new nl.buurtsignaal.base.UsageException("neighbourhood reference not found: " + file);
        }
        return spark.read().option("header", "true").csv(file.toString())
                .select("buurt_code", "buurt_name", "wijk_code", "wijk_name", "gemeente_code", "gemeente_name");
    }

    static void require(Dataset<Row> rows, String table, String... columns) {
        List<String> present = Arrays.asList(rows.columns());
        for (String column : columns) {
            if (!present.contains(column)) {
                throw new EngineException(table + " has no column " + column);
            }
        }
    }

    /** Every BAG address with its buurt and whether it is a dwelling (woonfunctie). */
    public static Dataset<Row> addressesOf(Dataset<Row> bag) {
        require(bag, "bronze.bag_address", "address_id", "object_id", "usage", "floor_area_m2", "buurt_code");
        return bag.select(col("address_id"), col("object_id"), col("usage"),
                col("usage").equalTo("woonfunctie").as("is_residential"), col("floor_area_m2"), col("buurt_code"));
    }

    /** Residence rows that started on or before as_of, with the buurt of their address. */
    public static Dataset<Row> residencesUpTo(Dataset<Row> brp, Column asOf, Dataset<Row> address) {
        require(brp, "bronze.brp_residence", "person_id", "valid_from", "valid_to", "address_id", "status");
        return brp.filter(col("valid_from").leq(asOf))
                .join(address.select("address_id", "buurt_code"), "address_id", "left")
                .select("person_id", "address_id", "buurt_code", "valid_from", "valid_to", "status", "birth_year");
    }

    /** Residents on as_of: a {@code resident} row covering as_of; one row per person (the latest start). */
    public static Dataset<Row> residentsOn(Dataset<Row> residence, Column asOf) {
        Dataset<Row> covering = residence.filter(col("status").equalTo("resident")
                .and(col("valid_from").leq(asOf))
                .and(col("valid_to").isNull().or(col("valid_to").gt(asOf))));
        return covering.withColumn("_n", row_number().over(Window.partitionBy("person_id")
                        .orderBy(col("valid_from").desc(), col("address_id"))))
                .filter(col("_n").equalTo(1))
                .select("person_id", "address_id", "buurt_code", "birth_year", "valid_from");
    }

    /** A household is the set of residents of one address on as_of. */
    public static Dataset<Row> householdsOf(Dataset<Row> resident, Dataset<Row> address) {
        return resident.groupBy("address_id").agg(count(lit(1)).as("residents"))
                .join(address, "address_id")
                .select("address_id", "buurt_code", "usage", "is_residential", "floor_area_m2", "residents");
    }

    /**
     * Establishments registered on or before as_of. A deregistration after as_of was not yet known
     * on as_of, so it counts as none. SBI codes lose their dots ({@code 96.02.1} = {@code 96021}); an
     * establishment is in a risk branch when its code starts with a configured risk code.
     */
    public static Dataset<Row> establishmentsOn(Dataset<Row> hr, Column asOf, Dataset<Row> address, List<String> riskCodes) {
        require(hr, "bronze.hr_establishment", "establishment_id", "kvk_number", "address_id", "sbi_code",
                "registered_on", "deregistered_on");
        Column sbi = regexp_replace(col("sbi_code"), "\\.", "");
        Column risk = lit(false);
        for (String code : riskCodes) {
            risk = risk.or(sbi.startsWith(code.replace(".", "")));
        }
        Column deregistered = when(col("deregistered_on").leq(asOf), col("deregistered_on"));
        return hr.filter(col("registered_on").leq(asOf))
                .withColumn("sbi", sbi)
                .withColumn("dereg", deregistered)
                .join(address.select("address_id", "buurt_code"), "address_id", "left")
                .select(col("establishment_id"), col("kvk_number"), col("address_id"), col("buurt_code"),
                        col("sbi").as("sbi_code"), risk.as("is_risk_branch"), col("legal_form"),
                        col("registered_on"), col("dereg").as("deregistered_on"),
                        col("dereg").isNull().as("is_active"));
    }

    /**
     * A company's registration date is the earliest registered_on of its establishments; it is
     * deregistered, on the latest deregistered_on, once all of them are (contract section 5).
     */
    public static Dataset<Row> companiesOf(Dataset<Row> establishment) {
        return establishment.groupBy("kvk_number").agg(
                        min("registered_on").as("registered_on"),
                        max("deregistered_on").as("last_deregistered_on"),
                        count(lit(1)).as("establishments"),
                        sum(when(col("is_active"), 1).otherwise(0)).as("active_establishments"))
                .select(col("kvk_number"), col("registered_on"),
                        when(col("active_establishments").equalTo(0), col("last_deregistered_on")).as("deregistered_on"),
                        col("establishments"), col("active_establishments"));
    }

    /**
     * Transfers up to as_of with the previous transfer of the same object (date and price), the
     * object's address (the lowest address_id where an object has several) and its buurt.
     */
    public static Dataset<Row> transferChains(Dataset<Row> brk, Column asOf, Dataset<Row> address) {
        require(brk, "bronze.brk_transfer", "transfer_id", "object_id", "transfer_date", "buyer_type", "buyer_id",
                "price_eur", "mortgage_registered");
        Dataset<Row> objectAddress = address.groupBy("object_id")
                .agg(min(struct(col("address_id"), col("buurt_code"))).as("a"))
                .select(col("object_id"), col("a.address_id").as("address_id"), col("a.buurt_code").as("buurt_code"));
        var chain = Window.partitionBy("object_id").orderBy(col("transfer_date"), col("transfer_id"));
        return brk.filter(col("transfer_date").leq(asOf))
                .withColumn("previous_transfer_date", lag("transfer_date", 1).over(chain))
                .withColumn("previous_price_eur", lag("price_eur", 1).over(chain))
                .join(objectAddress, "object_id", "left")
                .select("transfer_id", "object_id", "address_id", "buurt_code", "transfer_date", "buyer_type", "buyer_id",
                        "price_eur", "mortgage_registered", "previous_transfer_date", "previous_price_eur");
    }

    public static Dataset<Row> casesUpTo(Dataset<Row> cases, Column asOf, Dataset<Row> address) {
        require(cases, "bronze.enforcement_case", "case_id", "address_id", "opened_on", "case_type");
        return cases.filter(col("opened_on").leq(asOf))
                .join(address.select("address_id", "buurt_code"), "address_id", "left")
                .select("case_id", "address_id", "buurt_code", "kvk_number", "opened_on", "closed_on", "case_type", "outcome");
    }

    /**
     * Provisions active on as_of with their law (from configuration). Person-level care data stays
     * in this table; the catalogue uses it only for neighbourhood aggregates of care_stacking.
     */
    public static Dataset<Row> provisionsOn(Dataset<Row> care, Column asOf, Map<String, String> lawOf) {
        require(care, "bronze.care_provision", "person_id", "provision", "valid_from", "valid_to");
        Column law = lit(null).cast("string");
        for (Map.Entry<String, String> e : lawOf.entrySet()) {
            law = when(col("provision").equalTo(e.getKey()), lit(e.getValue())).otherwise(law);
        }
        return care.filter(col("valid_from").leq(asOf).and(col("valid_to").isNull().or(col("valid_to").gt(asOf))))
                .select(col("person_id"), col("provision"), law.as("law"));
    }
}
