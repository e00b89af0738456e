package nl.buurtsignaal.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's definition, {@code conf/models/NAME.yaml}. Two kinds: {@code priority} ranks signals
 * (logistic regression or gradient-boosted trees over declared features, labelled by enforcement
 * outcomes and the hub's decisions); {@code expected} predicts each care-stacking indicator's
 * count per neighbourhood from its composition (a Poisson GLM).
 *
 * @param grid the cross-validation grid: parameter name to the values tried
 * @param gateMargin promotable when the 95 % interval of the model's AUC-PR minus the baseline's lies above this
 */
public record ModelSpec(String name, String kind, String purpose, String algorithm, List<String> features,
                        List<String> labelSources, int testMonths, int folds, Map<String, List<Double>> grid,
                        List<String> indicators, long seed, double gateMargin, Path file) {
    public static final String PRIORITY = "priority";
    public static final String EXPECTED = "expected";
    public static final String LOGISTIC = "logistic_regression";
    public static final String GBT = "gbt";
    public static final String POISSON_GLM = "poisson_glm";

    private static final Set<String> FIELDS = Set.of("name", "kind", "purpose", "algorithm", "features", "label",
            "split", "cross_validation", "indicators", "seed", "gate");
    private static final Map<String, Set<String>> GRID_PARAMS = Map.of(
            LOGISTIC, Set.of("regParam", "elasticNetParam", "maxIter"),
            GBT, Set.of("maxDepth", "maxIter", "stepSize", "minInstancesPerNode"));

    public boolean isPriority() {
        return PRIORITY.equals(kind);
    }

    /** The definition of the model {@code name}: a usage error when it is missing or malformed. */
    public static ModelSpec load(EngineConfig config, String name) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new UsageException("a model name is lower-case letters, digits and '_', not '" + name + "'");
        }
        Path file = config.resolve(config.settings().models().modelsDir()).resolve(name + ".yaml");
        if (!Files.isRegularFile(file)) {
            throw new UsageException("no model definition " + file);
        }
        return parse(file, name);
    }

    /** Every model defined under {@code models.models_dir}, by name. */
    public static List<ModelSpec> all(EngineConfig config) {
        Path folder = config.resolve(config.settings().models().modelsDir());
        List<ModelSpec> specs = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return specs;
        }
        try (var files = Files.list(folder)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
                String fileName = file.getFileName().toString();
                specs.add(parse(file, fileName.substring(0, fileName.length() - ".yaml".length())));
            }
        } catch (java.io.IOException e) {
            throw new UsageException("models folder cannot be read: " + folder);
        }
        return specs;
    }

    static ModelSpec parse(Path file, String name) {
        String where = "model " + file.getFileName();
        ObjectNode node = EngineConfig.readYaml(file);
        node.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw new UsageException(where + ": unknown field '" + field + "'");
            }
        });
        if (!name.equals(node.path("name").asText())) {
            throw new UsageException(where + ": name must be the file's name, " + name);
        }
        String kind = node.path("kind").asText(PRIORITY);
        String algorithm = node.path("algorithm").asText("");
        String purpose = node.path("purpose").asText("").strip();
        if (purpose.isEmpty()) {
            throw new UsageException(where + ": a model states its purpose");
        }
        long seed = node.path("seed").asLong(1);
        if (EXPECTED.equals(kind)) {
            if (!POISSON_GLM.equals(algorithm)) {
                throw new UsageException(where + ": an expected-count model's algorithm is " + POISSON_GLM);
            }
            List<String> indicators = texts(node.path("indicators"));
            if (indicators.isEmpty()) {
                throw new UsageException(where + ": name the care-stacking indicators to model");
            }
            return new ModelSpec(name, kind, purpose, algorithm, List.of(), List.of(), 0, 0, Map.of(), indicators, seed, 0, file);
        }
        if (!PRIORITY.equals(kind)) {
            throw new UsageException(where + ": kind must be priority or expected, not '" + kind + "'");
        }
        if (!GRID_PARAMS.containsKey(algorithm)) {
            throw new UsageException(where + ": algorithm must be " + LOGISTIC + " or " + GBT + ", not '" + algorithm + "'");
        }
        List<String> features = texts(node.path("features"));
        if (features.isEmpty()) {
            throw new UsageException(where + ": a priority model needs features");
        }
        List<String> sources = texts(node.path("label").path("sources"));
        if (sources.isEmpty() || !List.of("enforcement", "hub").containsAll(sources)) {
            throw new UsageException(where + ": label.sources is a list of enforcement and hub");
        }
        int testMonths = node.path("split").path("test_months").asInt(12);
        int folds = node.path("cross_validation").path("folds").asInt(3);
        if (testMonths < 1 || folds < 2) {
            throw new UsageException(where + ": split.test_months must be at least 1 and cross_validation.folds at least 2");
        }
        Map<String, List<Double>> grid = new LinkedHashMap<>();
        node.path("cross_validation").path("grid").fields().forEachRemaining(e -> {
            if (!GRID_PARAMS.get(algorithm).contains(e.getKey())) {
                throw new UsageException(where + ": " + algorithm + " has no grid parameter " + e.getKey()
                        + " (known: " + String.join(", ", GRID_PARAMS.get(algorithm)) + ")");
            }
            List<Double> values = new ArrayList<>();
            e.getValue().forEach(v -> {
                if (!v.isNumber()) {
                    throw new UsageException(where + ": grid values of " + e.getKey() + " must be numbers");
                }
                values.add(v.asDouble());
            });
            grid.put(e.getKey(), values);
        });
        JsonNode margin = node.path("gate").path("margin");
        if (!margin.isNumber() || margin.asDouble() < 0 || margin.asDouble() >= 1) {
            throw new UsageException(where + ": gate.margin is a number from 0 (the model's AUC-PR above the baseline's beyond chance) to below 1");
        }
        return new ModelSpec(name, kind, purpose, algorithm, features, sources, testMonths, folds, grid, List.of(), seed,
                margin.asDouble(), file);
    }

    /** The same definition with some grid parameters replaced ({@code regParam=0.1,0.3}), as {@code --grid} gives them. */
    public ModelSpec withGrid(List<String> overrides) {
        Map<String, List<Double>> changed = new LinkedHashMap<>(grid);
        for (String override : overrides) {
            int eq = override.indexOf('=');
            String param = eq < 0 ? "" : override.substring(0, eq);
            if (eq < 0 || !GRID_PARAMS.getOrDefault(algorithm, Set.of()).contains(param)) {
                throw new UsageException("--grid takes PARAM=V1,V2 with PARAM one of "
                        + String.join(", ", GRID_PARAMS.getOrDefault(algorithm, Set.of())) + ", not '" + override + "'");
            }
            List<Double> values = new ArrayList<>();
            for (String v : override.substring(eq + 1).split(",")) {
                try {
                    values.add(Double.parseDouble(v.strip()));
                } catch (NumberFormatException e) {
                    throw new UsageException("--grid " + param + ": not a number: '" + v + "'");
                }
            }
            changed.put(param, values);
        }
        return new ModelSpec(name, kind, purpose, algorithm, features, labelSources, testMonths, folds, changed, indicators, seed, gateMargin, file);
    }

    private static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }
}
