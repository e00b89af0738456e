package nl.buurtsignaal.models;

import nl.buurtsignaal.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import nl.buurtsignaal.base.EngineException;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.config.Settings;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.*;

/**
 * Trains, evaluates and registers a priority model (contract section 8). Examples are enforcement
 * cases closed with an outcome and the hub's final decisions. The split is by time: the model
 * learns from cases opened and closed before the cutoff (as_of minus {@code split.test_months}),
 * each with its address's features the day before it opened; it is tested on the cases opened
 * after the cutoff, with the features as they were on the cutoff, against the rules' severity on
 * the cutoff (what the hub would have ranked by without a model). Everything is read at recorded
 * Delta versions and seeded, so that {@link #reproduce} trains the same version again.
 */
public final class Trainer {
    static final StructType FAIRNESS_SCHEMA = new StructType()
            .add("model", DataTypes.StringType, false)
            .add("model_version", DataTypes.IntegerType, false)
            .add("as_of", DataTypes.DateType, false)
            .add("group_by", DataTypes.StringType, false)
            .add("group_value", DataTypes.StringType, false)
            .add("n", DataTypes.LongType, false)
            .add("selected", DataTypes.LongType, false)
            .add("positives", DataTypes.LongType, false)
            .add("selection_rate", DataTypes.DoubleType, false)
            .add("precision", DataTypes.DoubleType, true)
            .add("false_positive_rate", DataTypes.DoubleType, true)
            .add("ratio_to_overall", DataTypes.DoubleType, false)
            .add("precision_ratio", DataTypes.DoubleType, true)
            .add("flagged", DataTypes.BooleanType, false);

    /** Everything that decides a trained version, stored in ml.model's params. */
    record Definition(String algorithm, List<String> featureIds, Map<String, String> featureSql, List<String> labelSources,
                      int testMonths, int folds, Map<String, List<Double>> grid, long seed, LocalDate snapshot,
                      int capacity, Settings.Fairness fairness, Settings.Training training, int resamples,
                      double gateMargin) {
    }

    /** What a training produced: the metrics, the fairness rows, the chosen parameters and the model. */
    record Evaluation(Map<String, Object> metrics, List<Fairness.Row> fairness, Map<String, Object> chosen,
                      Map<String, Object> explanation, PipelineModel model, LocalDate cutoff, Calibration calibration,
                      boolean promotable) {
    }

    private Trainer() {
    }

    /** Trains a new version of a priority model on the lake as it is now and registers it as a candidate. */
    public static Registry.Version train(Lake lake, EngineConfig config, ModelSpec spec, String user, Progress progress) {
        if (!spec.isPriority()) {
            throw new IllegalArgumentException("not a priority model: " + spec.name());
        }
        List<Feature> features = Features.select(Features.load(config), spec.features(), spec.name());
        ModelData data = new ModelData(lake, config, null);
        LocalDate snapshot = data.latestSilverAsOf();
        Map<String, String> sql = new LinkedHashMap<>();
        features.forEach(f -> sql.put(f.id(), f.sql()));
        Definition definition = new Definition(spec.algorithm(), spec.features(), sql, spec.labelSources(), spec.testMonths(),
                spec.folds(), spec.grid(), spec.seed(), snapshot, config.settings().models().weeklyCapacity(), config.settings().models().fairness(),
                config.settings().models().training(), config.settings().models().bootstrapResamples(), spec.gateMargin());
        Evaluation evaluation = evaluate(data, definition, spec.name(), progress);

        Registry registry = new Registry(lake);
        int version = registry.nextVersion(spec.name());
        String path = registry.modelPath(spec.name(), version);
        progress.info("  saving the PipelineModel to " + path);
        try {
            evaluation.model().write().overwrite().save(path);
        } catch (java.io.IOException e) {
            throw new EngineException("the model could not be saved to " + path + ": " + e.getMessage());
        }
        Map<String, Object> params = params(definition, evaluation);
        Map<String, Object> fairness = new LinkedHashMap<>();
        fairness.put("as_of", evaluation.cutoff().toString());
        fairness.put("k", evaluation.metrics().get("k"));
        fairness.put("flagged", Fairness.flagged(evaluation.fairness()));
        fairness.put("groups", evaluation.fairness().stream().map(Fairness::json).toList());
        Map<String, Object> label = new LinkedHashMap<>();
        label.put("sources", definition.labelSources());
        label.put("positive", "an enforcement case closed with " + String.join(", ", ModelData.VIOLATIONS)
                + "; a signal the hub confirmed or forwarded");
        label.put("negative", "an enforcement case closed with " + ModelData.NO_VIOLATION + "; a signal the hub dismissed");
        boolean promotable = evaluation.promotable();
        Registry.Version registered = new Registry.Version(spec.name(), version, spec.kind(), spec.algorithm(),
                Json.write(params), spec.features(), Json.write(label), Json.write(data.versionsRead()),
                Json.write(evaluation.metrics()), Json.write(fairness), promotable, Registry.CANDIDATE, user,
                Timestamp.from(Instant.now()), null, null, path);
        registry.register(registered);
        writeFairness(lake, spec.name(), version, evaluation);
        return registered;
    }

    /**
     * Trains a registered version again from its recorded definition, reading every table at the
     * Delta version it recorded (time travel). Returns the metrics of the new fit as JSON: equal to
     * the registered ones when the training is reproducible.
     */
    public static String reproduce(Lake lake, EngineConfig config, Registry.Version version, Progress progress) {
        JsonNode params = Json.read(version.params());
        JsonNode def = params.path("definition");
        Map<String, Long> pinned = new HashMap<>();
        Json.read(version.trainedOn()).fields().forEachRemaining(e -> pinned.put(e.getKey(), e.getValue().asLong()));
        Map<String, String> sql = new LinkedHashMap<>();
        def.path("feature_sql").fields().forEachRemaining(e -> sql.put(e.getKey(), e.getValue().asText()));
        List<String> ids = new ArrayList<>(sql.keySet());
        List<String> sources = new ArrayList<>();
        def.path("label_sources").forEach(s -> sources.add(s.asText()));
        Map<String, List<Double>> grid = new LinkedHashMap<>();
        def.path("grid").fields().forEachRemaining(e -> {
            List<Double> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asDouble()));
            grid.put(e.getKey(), values);
        });
        JsonNode fair = def.path("fairness");
        Definition definition = new Definition(def.path("algorithm").asText(), ids, sql, sources, def.path("test_months").asInt(),
                def.path("folds").asInt(), grid, def.path("seed").asLong(), LocalDate.parse(def.path("snapshot").asText()),
                def.path("capacity").asInt(), recorded(fair, "z_critical", config.settings().models().fairness()),
                recordedTraining(def.path("training"), config.settings().models().training()),
                def.has("resamples") ? def.path("resamples").asInt() : config.settings().models().bootstrapResamples(),
                def.has("gate_margin") ? def.path("gate_margin").asDouble() : ModelSpec.load(config, version.name()).gateMargin());
        ModelData data = new ModelData(lake, config, pinned);
        return Json.write(evaluate(data, definition, version.name(), progress).metrics());
    }

    /**
     * The labelled examples a definition trains and tests on, read from the lake: one row per
     * labelled address and date ({@code point_id}, {@code role} train or test, {@code label} 1 or
     * 0), its features, the rules' severity as the {@code baseline}, and the fairness audit's groups.
     *
     * @param rows        the examples, columns {@link #exampleColumns}
     * @param learnedFrom how many labels each source gave
     */
    record Examples(Dataset<Row> rows, Map<String, Long> learnedFrom, LocalDate cutoff) {
    }

    /** The columns of the examples, in order: point_id, role, label, the features, baseline, the groups. */
    static List<String> exampleColumns(List<String> featureIds) {
        List<String> columns = new ArrayList<>(List.of("point_id", "role", "label"));
        columns.addAll(featureIds);
        columns.add("baseline");
        columns.addAll(ModelData.GROUPS);
        return columns;
    }

    static Evaluation evaluate(ModelData data, Definition d, String name, Progress progress) {
        return fit(examples(data, d, name, progress), d, name, progress);
    }

    /** Reads a definition's examples from the lake (labels, features, baseline and groups); see {@link Examples}. */
    static Examples examples(ModelData data, Definition d, String name, Progress progress) {
        LocalDate cutoff = d.snapshot().minusMonths(d.testMonths());
        Column cut = lit(java.sql.Date.valueOf(cutoff));
        progress.info("  " + name + ": labels known on " + d.snapshot() + ", train before " + cutoff + ", test after");
        Dataset<Row> labels = data.labels(d.labelSources(), d.snapshot());
        Map<String, Long> learnedFrom = new java.util.TreeMap<>();
        labels.groupBy("source").count().collectAsList().forEach(r -> learnedFrom.put(r.getString(0), r.getLong(1)));
        Dataset<Row> train = labels.filter(col("date").leq(cut).and(col("known_on").leq(cut)))
                .withColumn("role", lit("train"))
                .withColumn("at", when(col("source").equalTo("enforcement"), date_sub(col("date"), 1)).otherwise(col("date")));
        Dataset<Row> test = labels.filter(col("date").gt(cut))
                .withColumn("role", lit("test"))
                .withColumn("at", when(col("source").equalTo("enforcement"), cut).otherwise(col("date")));
        Dataset<Row> points = train.unionByName(test).withColumn("point_id", concat_ws(":", col("role"), col("key")));
        List<Feature> features = new ArrayList<>();
        d.featureSql().forEach((id, sql) -> features.add(new Feature(id, id, "", sql, java.nio.file.Path.of(id + ".yaml"))));
        Dataset<Row> withFeatures = data.features(points, features, d.snapshot());
        progress.info("  " + name + ": the rules' severity on " + cutoff + " (the baseline)");
        Dataset<Row> severity = data.severityOn(cutoff).withColumnRenamed("severity", "severity_on_cutoff");
        Dataset<Row> groups = data.groups(d.snapshot());
        Dataset<Row> all = withFeatures.join(severity, "address_id", "left").join(groups.drop("buurt_code"), "address_id", "left")
                .withColumn("baseline", coalesce(col("severity"), col("severity_on_cutoff"), lit(0)).cast("double"))
                .select(exampleColumns(d.featureIds()).stream().map(c -> col(c)).toArray(Column[]::new));
        return new Examples(all, learnedFrom, cutoff);
    }

    /**
     * Fits a definition's pipeline (features assembled and standardised, then its classifier, the
     * grid searched by cross-validation on the training rows) and evaluates it on the test rows
     * against the rules' severity: the metrics with their intervals, the gate, the calibration and
     * the fairness audit. Reads nothing but the examples.
     */
    static Evaluation fit(Examples labelled, Definition d, String name, Progress progress) {
        Dataset<Row> all = labelled.rows();
        var spark = all.sparkSession();
        LocalDate cutoff = labelled.cutoff();
        Map<String, Long> learnedFrom = labelled.learnedFrom();
        List<Row> rows = new ArrayList<>(all.collectAsList());
        rows.sort(Comparator.comparing(r -> r.getString(0)));
        List<Row> trainRows = rows.stream().filter(r -> r.getString(1).equals("train")).toList();
        List<Row> testRows = rows.stream().filter(r -> r.getString(1).equals("test")).toList();
        long positives = trainRows.stream().filter(r -> r.getDouble(2) == 1.0).count();
        progress.info("  " + name + ": " + trainRows.size() + " training examples (" + positives + " positive), "
                + testRows.size() + " test examples");
        Settings.Training least = d.training();
        if (positives < least.minPositives() || trainRows.size() - positives < least.minNegatives()
                || testRows.size() < least.minTestExamples()) {
            throw new UsageException("too few labels to train " + name + ": " + trainRows.size() + " training examples ("
                    + positives + " positive) and " + testRows.size() + " test examples; at least " + least.minPositives()
                    + " positive and " + least.minNegatives() + " negative to train on and " + least.minTestExamples()
                    + " to test on (models.training)");
        }
        StructType schema = all.schema().add("weight", DataTypes.DoubleType, false);
        double n = trainRows.size();
        double wPos = n / (2.0 * positives);
        double wNeg = n / (2.0 * (n - positives));
        Dataset<Row> trainDf = spark.createDataFrame(weighted(trainRows, wPos, wNeg), schema).coalesce(1);
        Dataset<Row> testDf = spark.createDataFrame(weighted(testRows, 1, 1), schema).coalesce(1);

        PipelineStage classifier = classifier(d);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{
                new VectorAssembler().setInputCols(d.featureIds().toArray(String[]::new)).setOutputCol("raw"),
                new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true).setWithStd(true),
                classifier});
        ParamMap[] grid = grid(classifier, d.grid());
        BinaryClassificationEvaluator auPr = new BinaryClassificationEvaluator().setMetricName("areaUnderPR");
        progress.info("  " + name + ": cross-validation, " + d.folds() + " folds over " + grid.length + " parameter sets");
        CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(auPr).setNumFolds(d.folds()).setSeed(d.seed()).setParallelism(1).fit(trainDf);
        PipelineModel best = (PipelineModel) cv.bestModel();

        Dataset<Row> predicted = best.transform(testDf)
                .withColumn("p", org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64").getItem(1));
        List<Row> scored = new ArrayList<>(predicted.select("point_id", "label", "p", "baseline").collectAsList());
        Map<String, Row> groupOf = new HashMap<>();
        testRows.forEach(r -> groupOf.put(r.getString(0), r));
        int k = Math.min(d.capacity(), scored.size());
        List<Row> byModel = sorted(scored, 2);
        // The model and the rules' severity by the same figures, ties treated honestly (Ranking):
        // the severity has three values, and MLlib's area under the PR curve flatters a tied score.
        List<Ranking.Case> byP = new ArrayList<>();
        List<Ranking.Case> bySeverity = new ArrayList<>();
        for (Row r : scored) {
            byP.add(new Ranking.Case(r.getDouble(2), r.getDouble(1) == 1.0));
            bySeverity.add(new Ranking.Case(r.getDouble(3), r.getDouble(1) == 1.0));
        }
        double aucPr = Ranking.averagePrecision(byP);
        double aucPrBaseline = Ranking.averagePrecision(bySeverity);
        double precisionAtK = Ranking.precisionAtK(byP, k);
        double precisionAtKBaseline = Ranking.precisionAtK(bySeverity, k);
        Bootstrap.Intervals intervals = Bootstrap.of(byP, bySeverity, k, d.resamples(), d.seed());
        Gate gate = Gate.decide(intervals.aucPrDifference(), d.gateMargin());
        // probabilities: the class-weighted score scaled on the held-out cases; the table from cross-fitted scalings
        Calibration calibrator = Calibration.fit(byP);
        List<Integer> folds = scored.stream().map(r -> Math.floorMod(r.getString(0).hashCode(), 2)).toList();
        List<Double> heldOut = Calibration.crossFitted(byP, folds);

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("cutoff", cutoff.toString());
        metrics.put("n_train", trainRows.size());
        metrics.put("positives_train", positives);
        metrics.put("n_test", scored.size());
        metrics.put("positives_test", positivesIn(scored));
        metrics.put("base_rate_test", positivesIn(scored) / (double) scored.size());
        metrics.put("cv_auc_pr", max(cv.avgMetrics()));
        // enforcement: closed cases; hub: the hub's own decisions; outcome: what a partner found after forwarding
        metrics.put("labels_learned_from", learnedFrom);
        metrics.put("ranking_figures", "average precision with tied scores as one step; precision at k expected over the orders of tied cases");
        metrics.put("auc_pr", aucPr);
        metrics.put("auc_pr_baseline", aucPrBaseline);
        metrics.put("k", k);
        metrics.put("precision_at_k", precisionAtK);
        metrics.put("precision_at_k_baseline", precisionAtKBaseline);
        metrics.put("intervals", intervals.json());
        metrics.put("calibration", calibration(byP, heldOut));
        metrics.put("calibration_method", "Platt scaling of the class-weighted score on the test cases; the table from "
                + "two halves, each scaled by the other's fit");
        metrics.put("beats_baseline", gate.promotable());
        metrics.put("gate", gate.json());
        metrics.replaceAll((key, value) -> rounded(value));
        progress.info(String.format(java.util.Locale.ROOT, "  %s: AUC-PR %.3f [%.3f, %.3f] (rules' severity alone %.3f [%.3f, %.3f], "
                        + "base rate %.3f), precision in the top %d %.2f [%.2f, %.2f] (baseline %.2f [%.2f, %.2f])", name,
                aucPr, intervals.aucPr().lower(), intervals.aucPr().upper(), aucPrBaseline, intervals.aucPrBaseline().lower(),
                intervals.aucPrBaseline().upper(), (double) metrics.get("base_rate_test"), k, precisionAtK,
                intervals.precisionAtK().lower(), intervals.precisionAtK().upper(), precisionAtKBaseline,
                intervals.precisionAtKBaseline().lower(), intervals.precisionAtKBaseline().upper()));
        progress.info("  " + name + ": " + gate.reason());

        java.util.Set<String> selected = new java.util.HashSet<>();
        byModel.subList(0, k).forEach(r -> selected.add(r.getString(0)));
        List<Fairness.Example> examples = new ArrayList<>();
        for (Row r : scored) {
            Row g = groupOf.get(r.getString(0));
            Map<String, String> values = new LinkedHashMap<>();
            for (String by : ModelData.GROUPS) {
                Object v = g.get(g.fieldIndex(by));
                values.put(by, v == null ? "unknown" : v.toString());
            }
            examples.add(new Fairness.Example(selected.contains(r.getString(0)), r.getDouble(1) == 1.0, values));
        }
        List<Fairness.Row> fairness = Fairness.audit(examples, ModelData.GROUPS, d.fairness());
        return new Evaluation(metrics, fairness, chosen(best, d.grid()), explanation(best, d.featureIds()), best, cutoff,
                calibrator, gate.promotable());
    }

    /**
     * A figure rounded to 10 significant digits, as the registry records it. HotSpot's compiled
     * Math.exp and Math.log may differ from the interpreter's in the last bit, so a model trained
     * again in a warm JVM can differ in the 17th digit (seen: 0.21835207485506372 against
     * ...367); the recorded figures are equal either way.
     */
    @SuppressWarnings("unchecked")
    static Object rounded(Object value) {
        if (value instanceof Double d) {
            return Double.isFinite(d) ? new java.math.BigDecimal(d).round(new java.math.MathContext(10)).doubleValue() : d;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Trainer::rounded).toList();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> out.put(k, rounded(v)));
            return out;
        }
        return value;
    }

    private static List<Row> weighted(List<Row> rows, double wPos, double wNeg) {
        List<Row> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            Object[] values = new Object[r.length() + 1];
            for (int i = 0; i < r.length(); i++) {
                values[i] = r.get(i);
            }
            values[r.length()] = r.getDouble(2) == 1.0 ? wPos : wNeg;
            out.add(RowFactory.create(values));
        }
        return out;
    }

    /** Highest score first; ties in the order of the examples' ids, so that every run ranks alike. */
    private static List<Row> sorted(List<Row> rows, int scoreColumn) {
        List<Row> out = new ArrayList<>(rows);
        out.sort(Comparator.<Row>comparingDouble(r -> -r.getDouble(scoreColumn)).thenComparing(r -> r.getString(0)));
        return out;
    }

    private static long positivesIn(List<Row> rows) {
        return rows.stream().filter(r -> r.getDouble(1) == 1.0).count();
    }

    /**
     * Bins of (nearly) equal size by calibrated probability, at least 30 cases each and at most ten:
     * the mean probability against the observed rate with its Wilson 95 % interval.
     */
    private static List<Map<String, Object>> calibration(List<Ranking.Case> cases, List<Double> probability) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(probability::get).thenComparingInt(i -> i));
        int n = order.size();
        int count = Math.max(1, Math.min(10, n / 30));
        List<Map<String, Object>> bins = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            List<Integer> bin = order.subList(b * n / count, (b + 1) * n / count);
            if (bin.isEmpty()) {
                continue;
            }
            long hits = bin.stream().filter(i -> cases.get(i).positive()).count();
            double[] wilson = nl.buurtsignaal.dossier.Precision.wilson(hits, bin.size());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bin", b + 1);
            m.put("n", bin.size());
            m.put("mean_predicted", bin.stream().mapToDouble(probability::get).average().orElse(0));
            m.put("observed", hits / (double) bin.size());
            m.put("observed_interval", List.of(wilson[0], wilson[1]));
            bins.add(m);
        }
        return bins;
    }

    private static PipelineStage classifier(Definition d) {
        if (ModelSpec.GBT.equals(d.algorithm())) {
            return new GBTClassifier().setLabelCol("label").setFeaturesCol("features").setWeightCol("weight")
                    .setSeed(d.seed()).setMaxIter(d.training().gbtMaxIter());
        }
        return new LogisticRegression().setLabelCol("label").setFeaturesCol("features").setWeightCol("weight")
                .setMaxIter(d.training().logisticMaxIter()).setStandardization(false);
    }

    private static ParamMap[] grid(PipelineStage classifier, Map<String, List<Double>> grid) {
        ParamGridBuilder builder = new ParamGridBuilder();
        grid.forEach((name, values) -> {
            Param<?> param = classifier.getParam(name);
            if (param instanceof IntParam ints) {
                builder.addGrid(ints, values.stream().mapToInt(Double::intValue).toArray());
            } else if (param instanceof DoubleParam doubles) {
                builder.addGrid(doubles, values.stream().mapToDouble(Double::doubleValue).toArray());
            } else {
                throw new UsageException("grid parameter " + name + " is not numeric");
            }
        });
        return builder.build();
    }

    private static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** The grid parameters of the chosen model, as cross-validation chose them. */
    private static Map<String, Object> chosen(PipelineModel best, Map<String, List<Double>> grid) {
        Transformer last = best.stages()[best.stages().length - 1];
        Map<String, Object> chosen = new LinkedHashMap<>();
        grid.keySet().forEach(name -> chosen.put(name, last.getOrDefault(last.getParam(name))));
        return chosen;
    }

    /** The logistic model's intercept and coefficients (per standardised feature), or the trees' importances. */
    static Map<String, Object> explanation(PipelineModel best, List<String> featureIds) {
        Transformer last = best.stages()[best.stages().length - 1];
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> perFeature = new LinkedHashMap<>();
        if (last instanceof LogisticRegressionModel lr) {
            out.put("intercept", lr.intercept());
            double[] c = lr.coefficients().toArray();
            for (int i = 0; i < featureIds.size(); i++) {
                perFeature.put(featureIds.get(i), c[i]);
            }
            out.put("coefficients_per_sd", perFeature);
        } else if (last instanceof GBTClassificationModel gbt) {
            double[] importance = gbt.featureImportances().toArray();
            for (int i = 0; i < featureIds.size(); i++) {
                perFeature.put(featureIds.get(i), importance[i]);
            }
            out.put("feature_importances", perFeature);
        }
        return out;
    }

    /**
     * The fairness bounds a version recorded; a version trained before the z-test's value was recorded
     * took the configured one.
     */
    private static Settings.Fairness recorded(JsonNode fair, String zKey, Settings.Fairness configured) {
        return new Settings.Fairness(fair.path("max_ratio").asDouble(), fair.path("min_ratio").asDouble(),
                fair.path("min_group").asLong(), fair.has(zKey) ? fair.path(zKey).asDouble() : configured.zCritical(),
                configured.youngUnder(), configured.oldFrom());
    }

    /** The training limits a version recorded, or (recorded before they were) the configured ones. */
    private static Settings.Training recordedTraining(JsonNode training, Settings.Training configured) {
        return !training.isObject() ? configured : new Settings.Training(training.path("min_positives").asInt(),
                training.path("min_negatives").asInt(), training.path("min_test_examples").asInt(),
                training.path("logistic_max_iter").asInt(), training.path("gbt_max_iter").asInt());
    }

    private static Map<String, Object> params(Definition d, Evaluation e) {
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("algorithm", d.algorithm());
        def.put("feature_sql", d.featureSql());
        def.put("label_sources", d.labelSources());
        def.put("test_months", d.testMonths());
        def.put("folds", d.folds());
        def.put("grid", d.grid());
        def.put("seed", d.seed());
        def.put("snapshot", d.snapshot().toString());
        def.put("capacity", d.capacity());
        Map<String, Object> fair = new LinkedHashMap<>();
        fair.put("max_ratio", d.fairness().maxRatio());
        fair.put("min_ratio", d.fairness().minRatio());
        fair.put("min_group", d.fairness().minGroup());
        fair.put("z_critical", d.fairness().zCritical());
        def.put("fairness", fair);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("min_positives", d.training().minPositives());
        training.put("min_negatives", d.training().minNegatives());
        training.put("min_test_examples", d.training().minTestExamples());
        training.put("logistic_max_iter", d.training().logisticMaxIter());
        training.put("gbt_max_iter", d.training().gbtMaxIter());
        def.put("training", training);
        def.put("resamples", d.resamples());
        def.put("gate_margin", d.gateMargin());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("chosen", e.chosen());
        params.put("explanation", e.explanation());
        params.put("definition", def);
        // the probability gold.signal_priority shows: the model's class-weighted score scaled on held-out cases
        params.put("calibrator", e.calibration().json());
        return params;
    }

    private static void writeFairness(Lake lake, String name, int version, Evaluation e) {
        List<Row> rows = new ArrayList<>();
        for (Fairness.Row r : e.fairness()) {
            rows.add(RowFactory.create(name, version, java.sql.Date.valueOf(e.cutoff()), r.groupBy(), r.groupValue(), r.n(),
                    r.selected(), r.positives(), r.selectionRate(), r.precision(), r.falsePositiveRate(), r.ratioToOverall(),
                    r.precisionRatio(), r.flagged()));
        }
        lake.append(Tables.ML_FAIRNESS, lake.spark().createDataFrame(rows, FAIRNESS_SCHEMA).coalesce(1));
    }
}
