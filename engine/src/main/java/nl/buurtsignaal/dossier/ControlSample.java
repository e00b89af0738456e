package nl.buurtsignaal.dossier;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import java.time.LocalDate;

import static org.apache.spark.sql.functions.*;

/**
 * gold.control_sample (contract section 9): per as_of and gemeente, a seeded random sample of
 * addresses on which no signal of that as_of bears (neither as subject nor as address). The hub
 * reviews them blind, like rule signals; their confirmation rate is the base rate a rule's
 * precision is compared with (lift). The draw is a hash of seed, as_of and address: the same
 * lake, seed and size give the same sample in every run, and a larger size keeps the smaller's.
 */
public final class ControlSample {
    public static final String RULE_ID = "CONTROL";
    /**
     * The rule id reviewers see for a control item: blind, it does not say it is a control, only
     * that no rule's evidence comes with it (the auditor's pages and gold.rule_precision say CONTROL).
     */
    public static final String BLIND_RULE_ID = "ADDRESS-CHECK";

    private ControlSample() {
    }

    public static int perGemeente(EngineConfig config) {
        return config.settings().hub().controlSamplePerGemeente();
    }

    public static long seed(EngineConfig config) {
        return config.settings().hub().controlSampleSeed();
    }

    /**
     * The sample of as_of from the silver addresses and neighbourhoods (as {@code silver} gives
     * them) and the lake's gold signals of as_of; empty when the size is 0.
     */
    public static Dataset<Row> of(Lake lake, java.util.function.Function<String, Dataset<Row>> silver, EngineConfig config,
                                  LocalDate asOf) {
        Dataset<Row> signals = lake.exists(Tables.SIGNAL) ? lake.readAsOf(Tables.SIGNAL, asOf) : null;
        return of(silver.apply(Tables.SILVER_ADDRESS).filter(Lake.isAsOf(asOf)), silver.apply(Tables.SILVER_BUURT), signals, asOf,
                perGemeente(config), seed(config));
    }

    static Dataset<Row> of(Dataset<Row> address, Dataset<Row> buurt, Dataset<Row> signals, LocalDate asOf, int perGemeente,
                           long seed) {
        Column on = lit(java.sql.Date.valueOf(asOf));
        Dataset<Row> candidates = address.select("address_id", "buurt_code").filter(col("address_id").isNotNull()).distinct();
        if (signals != null) {
            Dataset<Row> signalled = signals.filter(col("subject_type").equalTo("address")).select(col("subject_id").as("address_id"))
                    .union(signals.select("address_id")).filter(col("address_id").isNotNull()).distinct();
            candidates = candidates.join(signalled, candidates.col("address_id").equalTo(signalled.col("address_id")), "left_anti");
        }
        Column draw = sha2(concat_ws("|", lit(Long.toString(seed)), date_format(on, "yyyy-MM-dd"), col("address_id")), 256);
        return candidates.join(buurt.select("buurt_code", "gemeente_code"), "buurt_code")
                .withColumn("_n", row_number().over(Window.partitionBy("gemeente_code").orderBy(draw, col("address_id"))))
                .filter(col("_n").leq(perGemeente))
                .select(on.as("as_of"), col("address_id"), col("buurt_code"), lit(seed).as("seed"),
                        nl.buurtsignaal.indicators.CatalogueRunner.signalId(lit(RULE_ID), lit("address"), col("address_id"), on)
                                .as("signal_id"));
    }
}
