package nl.buurtsignaal.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The declared features: every {@code *.yaml} under {@code models.features_dir}. Loading refuses a
 * feature that names a table or column of {@code models.deny} (care data, the labels' own sources,
 * snapshot tables, protected attributes, known proxies), reads anything but silver, or lacks the
 * reason it is allowed. {@link ModelData} checks the plans' input files again when a model trains.
 */
public final class Features {
    private static final Set<String> FIELDS = Set.of("id", "description", "allowed_because", "sql");
    private static final Pattern TABLE = Pattern.compile("\\b(bronze|silver|gold|hub|audit|quarantine|ml)\\.([a-z_]+)");
    private static final Pattern WORD = Pattern.compile("[a-z_][a-z0-9_]*");

    private Features() {
    }

    /** Every feature of the configuration, by id in file order. */
    public static Map<String, Feature> load(EngineConfig config) {
        Path folder = config.resolve(config.settings().models().featuresDir());
        if (!Files.isDirectory(folder)) {
            throw new UsageException("features folder not found: " + folder);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UsageException("features folder cannot be read: " + folder);
        }
        Map<String, Feature> features = new LinkedHashMap<>();
        for (Path file : files) {
            Feature feature = parse(file);
            check(feature, config);
            if (features.putIfAbsent(feature.id(), feature) != null) {
                throw new UsageException("feature " + file.getFileName() + ": id " + feature.id() + " is declared twice");
            }
        }
        return features;
    }

    static Feature parse(Path file) {
        String name = file.getFileName().toString();
        ObjectNode node = EngineConfig.readYaml(file);
        node.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw new UsageException("feature " + name + ": unknown field '" + field + "'");
            }
        });
        String id = required(node, "id", name);
        if (!id.matches("[a-z][a-z0-9_]*")) {
            throw new UsageException("feature " + name + ": id must be lower-case letters, digits and '_', not '" + id + "'");
        }
        return new Feature(id, required(node, "description", name), required(node, "allowed_because", name),
                required(node, "sql", name), file);
    }

    /** Refuses a feature that reads what the deny-list names, or anything but the allowed silver tables. */
    static void check(Feature feature, EngineConfig config) {
        String where = "feature " + feature.file().getFileName();
        String sql = withoutComments(feature.sql()).toLowerCase(Locale.ROOT);
        Map<String, String> deniedTables = new LinkedHashMap<>();
        denied(config, "care_tables", "reads care data, which serves only neighbourhood aggregates")
                .forEach(deniedTables::put);
        denied(config, "label_tables", "reads the labels' own source (leakage, and the feedback of earlier selections)")
                .forEach(deniedTables::put);
        denied(config, "snapshot_tables", "reads a snapshot of as_of, not the state at the point in time")
                .forEach(deniedTables::put);
        Matcher table = TABLE.matcher(sql);
        while (table.find()) {
            String name = table.group();
            if (deniedTables.containsKey(name)) {
                throw new UsageException(where + ": " + name + " " + deniedTables.get(name));
            }
            if (!name.startsWith("silver.")) {
                throw new UsageException(where + ": features read silver tables only, not " + name);
            }
        }
        Map<String, String> deniedColumns = new LinkedHashMap<>();
        denied(config, "protected_columns", "is a protected attribute").forEach(deniedColumns::put);
        denied(config, "proxy_columns", "is a known proxy for a protected attribute").forEach(deniedColumns::put);
        Matcher word = WORD.matcher(sql.replaceAll("'[^']*'", "''"));
        while (word.find()) {
            String reason = deniedColumns.get(word.group());
            if (reason != null) {
                throw new UsageException(where + ": " + word.group() + " " + reason + " (models.deny)");
            }
        }
    }

    private static Map<String, String> denied(EngineConfig config, String list, String reason) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : config.settings().models().deny().list(list)) {
            out.put(name.toLowerCase(Locale.ROOT), reason);
        }
        return out;
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("--[^\\n]*", " ");
    }

    private static String required(ObjectNode node, String field, String file) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            throw new UsageException("feature " + file + ": required field '" + field + "' is missing");
        }
        return value.asText().strip();
    }

    /** The features a model names, in its order; an unknown name is a usage error. */
    public static List<Feature> select(Map<String, Feature> features, List<String> names, String model) {
        List<Feature> chosen = new ArrayList<>();
        for (String name : names) {
            Feature feature = features.get(name);
            if (feature == null) {
                throw new UsageException("model " + model + ": no feature " + name + " under conf/features/ (known: "
                        + String.join(", ", features.keySet()) + ")");
            }
            chosen.add(feature);
        }
        return chosen;
    }
}
