package nl.buurtsignaal.publish;

import nl.buurtsignaal.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.CatalogueEntry;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.dossier.Precision;
import nl.buurtsignaal.models.ExpectedCare;
import nl.buurtsignaal.models.Feature;
import nl.buurtsignaal.models.Features;
import nl.buurtsignaal.models.ModelSpec;
import nl.buurtsignaal.models.Registry;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code docs/models/NAME.md}, one card per model (purpose, data, label, features and why each is
 * allowed, method, metrics, fairness, limits, version), and {@code docs/algoritmeregister.md}, an
 * entry per algorithm in the fields of the Dutch Algoritmeregister's publication standard. Without
 * a lake, the cards describe the definitions; with one ({@code docs --lake}), also every registered
 * version's figures.
 */
public final class ModelCards {
    private static final ObjectMapper JSON = Json.MAPPER;

    private ModelCards() {
    }

    public static String card(ModelSpec spec, EngineConfig config, List<Registry.Version> versions) {
        return card(spec, config, versions, List.of());
    }

    /** The card, with the rules' precision as the hub measured it (gold.rule_precision) where a lake gave it (template {@code model_card.jte}). */
    public static String card(ModelSpec spec, EngineConfig config, List<Registry.Version> versions, List<Precision.Row> precision) {
        List<VersionFigures> mine = versions.stream().filter(v -> v.name().equals(spec.name())).map(v -> version(spec, v)).toList();
        return Templates.plain("model_card.jte", new Card(spec.name(), spec.purpose(),
                spec.isPriority() ? priority(spec, config) : null, spec.isPriority() ? null : expected(spec),
                precisionLines(precision), mine));
    }

    /** A model card's values: a priority model's or a care model's method, the rules' precision, the versions in the lake. */
    public record Card(String name, String purpose, PriorityCard priority, ExpectedCard expected, List<PrecisionLine> precision,
                       List<VersionFigures> versions) {
    }

    /**
     * A registered version's figures, formatted: for a priority model the comparison with the rules'
     * severity, its intervals, the training set and the calibration; for a care model its fit.
     */
    public record VersionFigures(int version, String status, String trainedBy, String trainedAt, String promotedBy,
                                 String acceptedFlag, String trainedOn, boolean priority, List<FigureRow> figures,
                                 String intervals, String training, String labelsFrom, List<CalibrationRow> calibration,
                                 String calibrator, List<String> legacyCalibration, String chosen, String explanation,
                                 String fairnessFlags, String fit) {
    }

    /** A row of the figures' table: the model's, the rules' severity alone, the difference (with 95 % intervals). */
    public record FigureRow(String figure, String model, String baseline, String difference) {
    }

    public record CalibrationRow(int bin, int cases, String meanProbability, String observed, String low, String high) {
    }

    /** The values of a priority model's card (template {@code model_card_priority.jte}). */
    public record PriorityCard(String name, boolean gbt, long testMonths, long folds, String grid, long seed, long resamples,
                               String gateMargin, long weeklyCapacity, String labelSources, List<FeatureLine> features,
                               String careTables, String protectedColumns, String proxyColumns, long youngUnder, long oldFrom,
                               String maxRatio, String minRatio, long minGroup, String zCritical) {
    }

    /** A feature of the card's table: what it is and why it is allowed ({@code (not declared)} for an unknown id). */
    public record FeatureLine(String id, String what, String why) {
    }

    /** The values of a care model's card (template {@code model_card_expected.jte}). */
    public record ExpectedCard(String indicators, String covariates) {
    }

    private static PriorityCard priority(ModelSpec spec, EngineConfig config) {
        Map<String, Feature> features = Features.load(config);
        List<FeatureLine> lines = new java.util.ArrayList<>();
        for (String id : spec.features()) {
            Feature f = features.get(id);
            lines.add(new FeatureLine(id, f == null ? "(not declared)" : oneLine(f.description()), f == null ? "" : oneLine(f.allowedBecause())));
        }
        var models = config.settings().models();
        var fairness = models.fairness();
        return new PriorityCard(spec.name(), spec.algorithm().equals(ModelSpec.GBT),
                spec.testMonths(), spec.folds(), spec.grid().toString().replace("=", ": "), spec.seed(), models.bootstrapResamples(),
                number(spec.gateMargin()), models.weeklyCapacity(), String.join(", ", spec.labelSources()), lines,
                String.join(", ", models.deny().careTables()), String.join(", ", models.deny().protectedColumns()),
                String.join(", ", models.deny().proxyColumns()), fairness.youngUnder(), fairness.oldFrom(),
                number(fairness.maxRatio()), number(fairness.minRatio()), fairness.minGroup(), number(fairness.zCritical()));
    }

    private static ExpectedCard expected(ModelSpec spec) {
        return new ExpectedCard(String.join(", ", spec.indicators()), String.join(", ", ExpectedCare.COVARIATES));
    }

    private static VersionFigures version(ModelSpec spec, Registry.Version v) {
        JsonNode metrics = read(v.metrics());
        if (!spec.isPriority()) {
            return new VersionFigures(v.version(), v.status(), v.trainedBy(), String.valueOf(v.trainedAt()), v.promotedBy(),
                    v.acceptedFlag(), v.trainedOn(), false, List.of(), null, null, null, List.of(), null, List.of(), null, null, null,
                    v.metrics());
        }
        JsonNode ci = metrics.path("intervals");
        List<FigureRow> figures = List.of(
                new FigureRow("AUC-PR (average precision, tied scores one step)", figure(metrics.path("auc_pr"), ci.path("auc_pr"), false),
                        figure(metrics.path("auc_pr_baseline"), ci.path("auc_pr_baseline"), false),
                        difference(metrics.path("auc_pr"), metrics.path("auc_pr_baseline"), ci.path("auc_pr_difference"))),
                new FigureRow("precision in the top " + metrics.path("k").asInt() + " (expected over the orders of tied cases)",
                        figure(metrics.path("precision_at_k"), ci.path("precision_at_k"), false),
                        figure(metrics.path("precision_at_k_baseline"), ci.path("precision_at_k_baseline"), false),
                        difference(metrics.path("precision_at_k"), metrics.path("precision_at_k_baseline"), ci.path("precision_at_k_difference"))));
        String intervals = !ci.isObject() ? null : ci.path("counted").asInt() + " of " + ci.path("resamples").asInt()
                + " paired bootstrap resamples (seed " + ci.path("seed").asLong() + ") held a positive case. Gate: "
                + metrics.path("gate").path("reason").asText();
        String training = String.format(Locale.ROOT, "%d training cases (%d positive), %d test cases (base rate %.3f), cutoff %s; promotable: %s",
                metrics.path("n_train").asInt(), metrics.path("positives_train").asInt(), metrics.path("n_test").asInt(),
                metrics.path("base_rate_test").asDouble(), metrics.path("cutoff").asText(), v.promotable() ? "yes" : "no");
        List<String> from = new java.util.ArrayList<>();
        metrics.path("labels_learned_from").fields().forEachRemaining(e -> from.add(e.getValue().asLong() + " " + switch (e.getKey()) {
            case "enforcement" -> "closed enforcement cases";
            case "hub" -> "hub decisions";
            case "outcome" -> "partner outcomes after forwarding";
            default -> e.getKey();
        }));
        List<CalibrationRow> calibration = new java.util.ArrayList<>();
        String calibrator = null;
        List<String> legacy = new java.util.ArrayList<>();
        if (metrics.path("calibration").path(0).has("observed_interval")) {
            for (JsonNode bin : metrics.path("calibration")) {
                JsonNode band = bin.path("observed_interval");
                calibration.add(new CalibrationRow(bin.path("bin").asInt(), bin.path("n").asInt(), decimals(bin.path("mean_predicted"), 3),
                        decimals(bin.path("observed"), 3), decimals(band.path(0), 3), decimals(band.path(1), 3)));
            }
            JsonNode fitted = read(v.params()).path("calibrator");
            double b = fitted.path("b").asDouble();
            calibrator = String.format(Locale.ROOT, "Probability = 1 / (1 + exp(−(%.4f · logit(score) %s %.4f))), fitted on %d test cases.",
                    fitted.path("a").asDouble(), b < 0 ? "−" : "+", Math.abs(b), fitted.path("fitted_on").asLong());
        } else {
            for (JsonNode bin : metrics.path("calibration")) {
                legacy.add(String.format(Locale.ROOT, "%d: %.2f→%.2f", bin.path("decile").asInt(),
                        bin.path("mean_predicted").asDouble(), bin.path("observed").asDouble()));
            }
        }
        List<String> flagged = new java.util.ArrayList<>();
        read(v.fairness()).path("flagged").forEach(n -> flagged.add(n.asText()));
        return new VersionFigures(v.version(), v.status(), v.trainedBy(), String.valueOf(v.trainedAt()), v.promotedBy(), v.acceptedFlag(),
                v.trainedOn(), true, figures, intervals, training, from.isEmpty() ? null : String.join(", ", from), calibration,
                calibrator, legacy, read(v.params()).path("chosen").toString(), read(v.params()).path("explanation").toString(),
                flagged.isEmpty() ? "none" : String.join(", ", flagged), null);
    }

    private static String decimals(JsonNode value, int places) {
        return String.format(Locale.ROOT, "%." + places + "f", value.asDouble());
    }

    /**
     * The rules' precision (gold.rule_precision, the window over every date) as a table, or how it
     * is measured when no lake gave it.
     */
    /** A line of the rules' precision table, as printed ("–" where there is no figure). */
    public record PrecisionLine(String ruleId, String from, String to, long reviewed, long confirmed, String precision,
                                String interval, String lift) {
    }

    /** docs/algoritmeregister.md's values: the rules' ids, their precision and the models. */
    public record Register(String ruleIds, List<PrecisionLine> precision, List<RegisteredModel> models) {
    }

    /** A model's entry in the register: {@code priority} for a signal-priority model, else a care model. */
    public record RegisteredModel(String name, String purpose, boolean priority, String algorithm) {
    }

    private static List<PrecisionLine> precisionLines(List<Precision.Row> rows) {
        List<PrecisionLine> lines = new java.util.ArrayList<>();
        for (Precision.Row r : rows) {
            lines.add(new PrecisionLine(r.ruleId(), r.fromAsOf().toString(), r.toAsOf().toString(), r.reviewed(), r.confirmed(),
                    r.precision() == null ? "–" : String.format(Locale.ROOT, "%.2f", r.precision()),
                    r.low() == null ? "–" : String.format(Locale.ROOT, "%.2f–%.2f", r.low(), r.high()),
                    r.lift() == null ? "–" : String.format(Locale.ROOT, "%.1f", r.lift())));
        }
        return lines;
    }

    /** docs/algoritmeregister.md: the rules and each model, in the publication standard's fields. */
    public static String register(Catalogue catalogue, List<ModelSpec> specs, EngineConfig config) {
        return register(catalogue, specs, config, List.of());
    }

    /** docs/algoritmeregister.md, with the rules' precision where a lake gave it (template {@code algoritmeregister.jte}). */
    public static String register(Catalogue catalogue, List<ModelSpec> specs, EngineConfig config, List<Precision.Row> precision) {
        List<RegisteredModel> models = new java.util.ArrayList<>();
        for (ModelSpec spec : specs) {
            models.add(new RegisteredModel(spec.name(), oneLine(spec.purpose()), spec.isPriority(),
                    spec.algorithm().equals(ModelSpec.GBT) ? "gradient-boosted trees" : "logistic regression"));
        }
        String ruleIds = String.join(", ", catalogue.rules().stream().map(rule -> "`" + rule.id() + "`").toList());
        return Templates.plain("algoritmeregister.jte", new Register(ruleIds, precisionLines(precision), models));
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    private static String figure(JsonNode value, JsonNode interval, boolean signed) {
        String format = signed ? "%+.3f" : "%.3f";
        String text = String.format(Locale.ROOT, format, value.asDouble());
        return interval.isArray() && interval.size() == 2
                ? text + String.format(Locale.ROOT, " [" + format + ", " + format + "]", interval.get(0).asDouble(), interval.get(1).asDouble())
                : text;
    }

    private static String difference(JsonNode model, JsonNode baseline, JsonNode interval) {
        return figure(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(model.asDouble() - baseline.asDouble()), interval, true);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json == null ? "{}" : json);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }
}
