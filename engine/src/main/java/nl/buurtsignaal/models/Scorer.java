package nl.buurtsignaal.models;

import nl.buurtsignaal.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.AsOf;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.apache.spark.sql.functions.*;

/**
 * Scores the signals of one as_of with every production priority model into
 * {@code gold.signal_priority}: a probability per signal that has an address, and the
 * contributions that explain it. For the logistic model a contribution is coefficient × the
 * feature's standardised value (they add up, with the intercept, to the log-odds); MLlib's
 * gradient-boosted trees give no per-signal contributions, so their rows carry none and the model
 * card lists the trees' global importances instead.
 */
public final class Scorer {
    static final StructType CONTRIBUTION = new StructType()
            .add("feature", DataTypes.StringType, true)
            .add("contribution", DataTypes.DoubleType, true);
    static final StructType SCHEMA = new StructType()
            .add("as_of", DataTypes.DateType, false)
            .add("signal_id", DataTypes.StringType, false)
            .add("model", DataTypes.StringType, false)
            .add("model_version", DataTypes.IntegerType, false)
            .add("probability", DataTypes.DoubleType, false)
            .add("contributions", DataTypes.createArrayType(CONTRIBUTION, true), false);

    private Scorer() {
    }

    /** Scores as_of's signals with every production priority model; returns the rows written. */
    public static long scoreProduction(Lake lake, EngineConfig config, LocalDate asOf, Progress progress) {
        long written = 0;
        for (Registry.Version version : new Registry(lake).production(ModelSpec.PRIORITY)) {
            written += score(lake, config, version, asOf, progress);
        }
        return written;
    }

    public static long score(Lake lake, EngineConfig config, Registry.Version version, LocalDate asOf, Progress progress) {
        ModelData data = new ModelData(lake, config, null);
        java.sql.Date on = java.sql.Date.valueOf(asOf);
        if (data.table(Tables.SILVER_ADDRESS).filter(col("as_of").equalTo(lit(on))).isEmpty()) {
            throw new UsageException("no silver tables for as_of " + asOf + ": run the engine for that date first");
        }
        Dataset<Row> signals = data.signalAddresses(data.table(Tables.SIGNAL).filter(col("as_of").equalTo(lit(on))), asOf);
        JsonNode sql = Json.read(version.params()).path("definition").path("feature_sql");
        List<Feature> features = new ArrayList<>();
        for (String id : version.features()) {
            features.add(new Feature(id, id, "", sql.path(id).asText(), Path.of(id + ".yaml")));
        }
        Dataset<Row> points = signals.select(col("signal_id").as("point_id"), col("address_id"), col("as_of").as("at"));
        PipelineModel model = PipelineModel.load(version.path());
        Dataset<Row> withFeatures = data.features(points, features, asOf);
        List<String> columns = new ArrayList<>(List.of("point_id", "p"));
        columns.addAll(version.features());
        List<Row> scored = model.transform(withFeatures)
                .withColumn("p", org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64").getItem(1))
                .select(columns.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new))
                .collectAsList();
        // the calibrated probability (Platt scaling on held-out cases); a version trained before calibration shows its raw score
        Calibration calibrator = Calibration.of(Json.read(version.params()).path("calibrator"));
        double slope = calibrator == null ? 1 : calibrator.a();
        Explainer explainer = Explainer.of(model, version.features());
        List<Row> rows = new ArrayList<>(scored.size());
        for (Row r : scored) {
            double[] x = new double[version.features().size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.getDouble(i + 2);
            }
            double p = calibrator == null ? r.getDouble(1) : calibrator.probability(r.getDouble(1));
            rows.add(RowFactory.create(on, r.getString(0), version.name(), version.version(), p,
                    explainer.contributions(x, slope)));
        }
        lake.createIfMissing(Tables.SIGNAL_PRIORITY, SCHEMA, java.util.Map.of());
        lake.replaceWhere(Tables.SIGNAL_PRIORITY, AsOf.of(asOf).predicate("model = '" + version.name() + "'"),
                lake.spark().createDataFrame(rows, SCHEMA).coalesce(1));
        progress.info("  " + version.name() + " v" + version.version() + ": " + rows.size() + " signals of " + asOf + " scored");
        return rows.size();
    }

    /** Per-signal contributions: coefficient × standardised value for the logistic model, none for trees. */
    record Explainer(List<String> features, double[] mean, double[] std, double[] coefficients) {
        static Explainer of(PipelineModel model, List<String> features) {
            Transformer[] stages = model.stages();
            Transformer last = stages[stages.length - 1];
            if (!(last instanceof LogisticRegressionModel lr)) {
                return new Explainer(features, null, null, null);
            }
            StandardScalerModel scaler = (StandardScalerModel) stages[1];
            return new Explainer(features, scaler.mean().toArray(), scaler.std().toArray(), lr.coefficients().toArray());
        }

        /**
         * Coefficient × standardised value per feature, times the calibration's slope: with the
         * calibrated intercept (slope × intercept + b) they add up to the calibrated log-odds.
         */
        List<Row> contributions(double[] x, double slope) {
            List<Row> out = new ArrayList<>();
            if (coefficients == null) {
                return out;
            }
            for (int i = 0; i < x.length; i++) {
                double z = std[i] == 0 ? 0 : (x[i] - mean[i]) / std[i];
                out.add(RowFactory.create(features.get(i), slope * coefficients[i] * z));
            }
            out.sort(Comparator.<Row>comparingDouble(r -> -Math.abs(r.getDouble(1))).thenComparing(r -> r.getString(0)));
            return out;
        }
    }
}
