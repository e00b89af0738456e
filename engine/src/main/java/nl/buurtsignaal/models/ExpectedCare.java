package nl.buurtsignaal.models;

import nl.buurtsignaal.base.Json;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.AsOf;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.GeneralizedLinearRegression;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.*;

/**
 * Expected care stacking per neighbourhood ({@code gold.buurt_expected}): for each care-stacking
 * indicator, a Poisson GLM (log link, offset log of the indicator's denominator: households or
 * residents) predicts the neighbourhood's count from its composition: mean household size, the
 * share of one-person households, the shares of residents under 18 and of 65 and over, the log of
 * the median WOZ value and the share of residents who moved in within 24 months. Observed against
 * expected, their ratio, and a 95 % interval of the ratio (Byar's approximation of the Poisson
 * interval of the observed count). Only neighbourhood aggregates are read and written.
 */
public final class ExpectedCare {
    public static final List<String> COVARIATES = List.of("mean_household_size", "single_household_share",
            "under_18_share", "over_65_share", "log_median_woz", "moved_in_24m_share");

    static final StructType SCHEMA = new StructType()
            .add("as_of", DataTypes.DateType, false)
            .add("buurt_code", DataTypes.StringType, false)
            .add("indicator_id", DataTypes.StringType, false)
            .add("observed", DataTypes.LongType, false)
            .add("expected", DataTypes.DoubleType, false)
            .add("ratio", DataTypes.DoubleType, true)
            .add("lower", DataTypes.DoubleType, true)
            .add("upper", DataTypes.DoubleType, true)
            .add("model", DataTypes.StringType, false)
            .add("model_version", DataTypes.IntegerType, false);

    private ExpectedCare() {
    }

    /** Fits the model for the latest as_of of the indicators, writes gold.buurt_expected and registers the version. */
    public static Registry.Version train(Lake lake, EngineConfig config, ModelSpec spec, String user, Progress progress) {
        ModelData data = new ModelData(lake, config, null);
        LocalDate asOf = latestIndicatorAsOf(data);
        Registry registry = new Registry(lake);
        int version = registry.nextVersion(spec.name());
        Map<String, Object> metrics = fit(data, spec, asOf, version, true, progress);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("family", "poisson");
        params.put("link", "log");
        params.put("offset", "log(denominator)");
        params.put("covariates", COVARIATES);
        params.put("indicators", spec.indicators());
        params.put("as_of", asOf.toString());
        Map<String, Object> fairness = new LinkedHashMap<>();
        fairness.put("flagged", List.of());
        fairness.put("note", "neighbourhood aggregates only: no person, address or signal is selected");
        Registry.Version v = new Registry.Version(spec.name(), version, spec.kind(), spec.algorithm(), Json.write(params),
                COVARIATES, Json.write(Map.of("target", "each care-stacking indicator's numerator per neighbourhood")),
                Json.write(data.versionsRead()), Json.write(metrics), Json.write(fairness), true, Registry.CANDIDATE, user,
                Timestamp.from(Instant.now()), null, null, registry.modelPath(spec.name(), version));
        registry.register(v);
        return v;
    }

    /** Refits every production expected-count model for as_of (run calls this after the indicators). */
    public static void refreshProduction(Lake lake, EngineConfig config, LocalDate asOf, Progress progress) {
        for (Registry.Version v : new Registry(lake).production(ModelSpec.EXPECTED)) {
            List<String> indicators = Json.strings(v.params(), "indicators");
            ModelSpec spec = new ModelSpec(v.name(), ModelSpec.EXPECTED, "", ModelSpec.POISSON_GLM, List.of(), List.of(),
                    0, 0, Map.of(), indicators, 1, 0, null);
            fit(new ModelData(lake, config, null), spec, asOf, v.version(), false, progress);
        }
    }

    private static LocalDate latestIndicatorAsOf(ModelData data) {
        Row max = data.indicators().agg(max("as_of")).first();
        if (max.isNullAt(0)) {
            throw new UsageException("gold.buurt_indicator is empty: run the engine first");
        }
        return max.getDate(0).toLocalDate();
    }

    static Map<String, Object> fit(ModelData data, ModelSpec spec, LocalDate asOf, int version, boolean save,
                                   Progress progress) {
        Lake lake = data.lake();
        Dataset<Row> composition = composition(data, asOf).cache();
        Map<String, Object> metrics = new LinkedHashMap<>();
        List<Row> out = new ArrayList<>();
        for (String indicator : spec.indicators()) {
            Dataset<Row> rows = data.indicators()
                    .filter(col("as_of").equalTo(lit(java.sql.Date.valueOf(asOf))).and(col("indicator_id").equalTo(indicator))
                            .and(col("denominator").gt(0)))
                    .select("buurt_code", "numerator", "denominator")
                    .join(composition, "buurt_code")
                    .na().drop()
                    .withColumn("label", col("numerator").cast("double"))
                    .withColumn("log_exposure", log(col("denominator").cast("double")))
                    .orderBy("buurt_code").coalesce(1);
            long n = rows.count();
            if (n < COVARIATES.size() + 3) {
                progress.info("  " + indicator + ": " + n + " neighbourhoods, too few to fit; left out");
                continue;
            }
            PipelineModel model = new Pipeline().setStages(new PipelineStage[]{
                    new VectorAssembler().setInputCols(COVARIATES.toArray(String[]::new)).setOutputCol("raw"),
                    new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true).setWithStd(true),
                    new GeneralizedLinearRegression().setFamily("poisson").setLink("log").setOffsetCol("log_exposure")
                            .setLabelCol("label").setFeaturesCol("features").setRegParam(1e-4).setMaxIter(50)}).fit(rows);
            GeneralizedLinearRegressionModel glm = (GeneralizedLinearRegressionModel) model.stages()[2];
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("neighbourhoods", n);
            m.put("deviance", glm.summary().deviance());
            m.put("null_deviance", glm.summary().nullDeviance());
            m.put("aic", glm.summary().aic());
            Map<String, Object> coefficients = new LinkedHashMap<>();
            double[] c = glm.coefficients().toArray();
            for (int i = 0; i < COVARIATES.size(); i++) {
                coefficients.put(COVARIATES.get(i), c[i]);
            }
            m.put("intercept", glm.intercept());
            m.put("coefficients_per_sd", coefficients);
            metrics.put(indicator, m);
            if (save) {
                try {
                    model.write().overwrite().save(new Registry(lake).modelPath(spec.name(), version) + "/" + indicator);
                } catch (java.io.IOException e) {
                    throw new nl.buurtsignaal.base.EngineException("the model could not be saved: " + e.getMessage());
                }
            }
            for (Row r : model.transform(rows).select("buurt_code", "numerator", "prediction").collectAsList()) {
                long observed = r.getLong(1);
                double expected = r.getDouble(2);
                double[] interval = byar(observed);
                out.add(RowFactory.create(java.sql.Date.valueOf(asOf), r.getString(0), indicator, observed, expected,
                        expected > 0 ? observed / expected : null, expected > 0 ? interval[0] / expected : null,
                        expected > 0 ? interval[1] / expected : null, spec.name(), version));
            }
            progress.info(String.format(java.util.Locale.ROOT, "  %s: %d neighbourhoods, deviance %.1f (null model %.1f)",
                    indicator, n, glm.summary().deviance(), glm.summary().nullDeviance()));
        }
        composition.unpersist();
        lake.createIfMissing(Tables.BUURT_EXPECTED, SCHEMA, Map.of());
        lake.replaceWhere(Tables.BUURT_EXPECTED, AsOf.of(asOf).predicate("model = '" + spec.name() + "'"),
                lake.spark().createDataFrame(out, SCHEMA).coalesce(1));
        return metrics;
    }

    /** The 95 % interval of a Poisson count (Byar's approximation; 0 has lower bound 0). */
    static double[] byar(long observed) {
        double o = observed;
        double z = 1.959964;
        double lower = o == 0 ? 0 : o * Math.pow(1 - 1 / (9 * o) - z / (3 * Math.sqrt(o)), 3);
        double upper = (o + 1) * Math.pow(1 - 1 / (9 * (o + 1)) + z / (3 * Math.sqrt(o + 1)), 3);
        return new double[]{lower, upper};
    }

    /** The composition of every neighbourhood on as_of, from silver and the WOZ values. */
    static Dataset<Row> composition(ModelData data, LocalDate asOf) {
        Column on = lit(java.sql.Date.valueOf(asOf));
        Dataset<Row> households = data.table(Tables.SILVER_HOUSEHOLD).filter(col("as_of").equalTo(on).and(col("is_residential")))
                .groupBy("buurt_code").agg(avg("residents").as("mean_household_size"),
                        avg(when(col("residents").equalTo(1), 1.0).otherwise(0.0)).as("single_household_share"));
        Dataset<Row> residents = data.table(Tables.SILVER_RESIDENT).filter(col("as_of").equalTo(on))
                .withColumn("age", lit(asOf.getYear()).minus(col("birth_year")))
                .groupBy("buurt_code").agg(avg(when(col("age").lt(18), 1.0).otherwise(0.0)).as("under_18_share"),
                        avg(when(col("age").geq(65), 1.0).otherwise(0.0)).as("over_65_share"),
                        avg(when(col("valid_from").gt(add_months(on, -24)), 1.0).otherwise(0.0)).as("moved_in_24m_share"));
        Dataset<Row> address = data.table(Tables.SILVER_ADDRESS).filter(col("as_of").equalTo(on)).select("object_id", "buurt_code");
        Dataset<Row> woz = data.table(Tables.bronze("woz_value")).filter(col("reference_date").leq(on))
                .withColumn("_n", row_number().over(Window.partitionBy("object_id").orderBy(col("reference_date").desc())))
                .filter(col("_n").equalTo(1)).join(address, "object_id")
                .groupBy("buurt_code").agg(log(percentile_approx(col("value_eur"), lit(0.5), lit(10000)).cast("double")).as("log_median_woz"));
        return households.join(residents, "buurt_code").join(woz, "buurt_code");
    }
}
