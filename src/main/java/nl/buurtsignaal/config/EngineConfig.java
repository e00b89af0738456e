package nl.buurtsignaal.config;

import nl.buurtsignaal.base.Hashing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import nl.buurtsignaal.base.UsageException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's settings: {@code conf/buurtsignaal.yaml}, overlaid by an optional {@code --conf FILE}
 * and by {@code --set path=value} pairs, in that order. Paths are dotted
 * ({@code scoring.flag_min_score}, {@code catalogue.U-ADDR-OVERCROWDED.min_residents}).
 */
public final class EngineConfig {
    public static final String DEFAULT_FILE = "buurtsignaal.yaml";
    static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final Path confDir;
    private final ObjectNode root;

    private EngineConfig(Path confDir, ObjectNode root) {
        this.confDir = confDir;
        this.root = root;
    }

    /** The conf directory: -Dbuurtsignaal.conf, else $BUURTSIGNAAL_HOME/conf, else ./conf. */
    public static Path defaultConfDir() {
        String explicit = System.getProperty("buurtsignaal.conf");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String home = System.getenv("BUURTSIGNAAL_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "conf");
        }
        return Path.of("conf");
    }

    public static EngineConfig load(Path confDir, Path overlay, List<String> settings) {
        Path base = confDir.resolve(DEFAULT_FILE);
        if (!Files.isRegularFile(base)) {
            throw new UsageException("configuration not found: " + base + " (set BUURTSIGNAAL_HOME or run from the project folder)");
        }
        ObjectNode root = readYaml(base);
        if (overlay != null) {
            if (!Files.isRegularFile(overlay)) {
                throw new UsageException("configuration file not found: " + overlay);
            }
            merge(root, readYaml(overlay));
        }
        for (String setting : settings == null ? List.<String>of() : settings) {
            apply(root, setting);
        }
        return new EngineConfig(confDir, root);
    }

    public static ObjectNode readYaml(Path file) {
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                return YAML.createObjectNode();
            }
            if (!node.isObject()) {
                throw new UsageException("configuration " + file + " is not a mapping of settings");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new UsageException("configuration " + file + " is not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static void merge(ObjectNode target, ObjectNode overlay) {
        Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue() instanceof ObjectNode overlayObject) {
                merge(existingObject, overlayObject);
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    private static void apply(ObjectNode root, String setting) {
        int eq = setting.indexOf('=');
        if (eq <= 0) {
            throw new UsageException("--set takes path=value, got '" + setting + "'");
        }
        String[] path = setting.substring(0, eq).strip().split("\\.");
        JsonNode value;
        try {
            value = YAML.readTree(setting.substring(eq + 1));
        } catch (IOException e) {
            throw new UsageException("--set " + setting.substring(0, eq) + ": the value is not valid YAML");
        }
        ObjectNode node = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            if (!(child instanceof ObjectNode)) {
                child = node.putObject(path[i]);
            }
            node = (ObjectNode) child;
        }
        node.set(path[path.length - 1], value == null || value.isMissingNode() ? YAML.nullNode() : value);
    }

    public JsonNode node(String dottedPath) {
        JsonNode node = root;
        for (String part : dottedPath.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node == null || node.isMissingNode() ? null : node;
    }

    public String string(String path, String fallback) {
        JsonNode node = node(path);
        return node == null || node.isNull() ? fallback : node.asText();
    }

    public double number(String path, double fallback) {
        JsonNode node = node(path);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw new UsageException("setting " + path + " must be a number");
        }
        return node.asDouble();
    }

    public List<String> strings(String path) {
        JsonNode node = node(path);
        List<String> values = new ArrayList<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isArray()) {
            throw new UsageException("setting " + path + " must be a list");
        }
        node.forEach(item -> values.add(item.asText()));
        return values;
    }

    /** A mapping of scalars (provision to law, Spark settings, weights) in file order. */
    /**
     * The themes (contract section 4: undermining, care_stacking), in the order of their weights
     * under {@code scoring.weights}: the one place that names them. Without weights, the contract's two.
     */
    public List<String> themes() {
        JsonNode weights = node("scoring.weights");
        if (weights == null || !weights.isObject() || weights.isEmpty()) {
            return List.of("undermining", "care_stacking");
        }
        List<String> themes = new java.util.ArrayList<>();
        weights.fieldNames().forEachRemaining(themes::add);
        return List.copyOf(themes);
    }

    public Map<String, String> map(String path) {
        JsonNode node = node(path);
        Map<String, String> values = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isObject()) {
            throw new UsageException("setting " + path + " must be a mapping");
        }
        node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        return values;
    }

    public Path path(String setting, String fallback) {
        String value = string(setting, fallback);
        Path p = Path.of(value);
        return p.isAbsolute() ? p : confDir.resolve(p);
    }

    /** SHA-256 of the effective settings, canonical JSON with sorted keys. */
    public String hash() {
        return Hashing.sha256(canonical(root));
    }

    static String canonical(JsonNode node) {
        try {
            Object tree = CANONICAL.treeToValue(node, Object.class);
            return CANONICAL.writeValueAsString(tree);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
