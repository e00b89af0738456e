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
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.HashMap;
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
    /** Binds the merged tree to {@link Settings}: every key present, none unknown, each of its type. */
    private static final ObjectMapper BINDER = binder();

    private final Path confDir;
    private final ObjectNode root;
    private final Settings settings;

    private EngineConfig(Path confDir, ObjectNode root, Settings settings) {
        this.confDir = confDir;
        this.root = root;
        this.settings = settings;
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
        Map<String, String> origins = new HashMap<>();
        ObjectNode root = readYaml(base);
        recordOrigins(root, "", base.toString(), origins);
        if (overlay != null) {
            if (!Files.isRegularFile(overlay)) {
                throw new UsageException("configuration file not found: " + overlay);
            }
            ObjectNode extra = readYaml(overlay);
            recordOrigins(extra, "", overlay.toString(), origins);
            merge(root, extra);
        }
        for (String setting : settings == null ? List.<String>of() : settings) {
            String path = apply(root, setting);
            origins.put(path, "--set " + path);
        }
        return new EngineConfig(confDir, root, bind(root, base.toString(), origins));
    }

    /** The typed settings, bound once when the configuration loaded. */
    public Settings settings() {
        return settings;
    }

    private static ObjectMapper binder() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (LogicalType numeric : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(numeric).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }

    private static Settings bind(ObjectNode root, String baseFile, Map<String, String> origins) {
        ObjectNode tree = root.deepCopy();
        if (!tree.has("catalogue")) {
            tree.putObject("catalogue");
        }
        try {
            return BINDER.treeToValue(tree, Settings.class);
        } catch (JsonProcessingException e) {
            throw settingError(e, baseFile, origins);
        }
    }

    /** One line naming the file (or --set) and the key: missing, unknown or of the wrong type. */
    private static UsageException settingError(JsonProcessingException e, String baseFile, Map<String, String> origins) {
        List<String> path = new ArrayList<>();
        if (e instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference ref : mapping.getPath()) {
                path.add(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
            }
        }
        if (e instanceof UnrecognizedPropertyException) {
            String key = String.join(".", path);
            return new UsageException(originOf(key, origins, baseFile) + ": unknown setting " + key);
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.ValueInstantiationException && e.getCause() instanceof IllegalArgumentException bad) {
            // a section's own check of its values (a record's constructor)
            String key = String.join(".", path);
            return new UsageException(originOf(key, origins, baseFile) + ": setting " + key + ": " + bad.getMessage());
        }
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (message.startsWith("Missing required creator property") || message.startsWith("Missing creator property")
                || message.startsWith("Null value for creator property")
                || message.startsWith("Cannot map `null`")) {
            Matcher name = QUOTED.matcher(message);
            if (message.contains("creator property") && name.find() && (path.isEmpty() || !path.get(path.size() - 1).equals(name.group(1)))) {
                path.add(name.group(1));
            }
            String key = String.join(".", path);
            return new UsageException(originOf(key, origins, baseFile) + ": setting " + key + " is missing");
        }
        String key = String.join(".", path);
        Class<?> type = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
        return new UsageException(originOf(key, origins, baseFile) + ": setting " + key + " must be " + kind(type));
    }

    private static final Pattern QUOTED = Pattern.compile("'([^']+)'");

    private static String kind(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == String.class) {
            return "text";
        }
        return "a mapping";
    }

    /** The file (or --set) a key came from: its own, an ancestor's, or the default file's. */
    private static String originOf(String key, Map<String, String> origins, String baseFile) {
        for (String k = key; !k.isEmpty(); k = k.contains(".") ? k.substring(0, k.lastIndexOf('.')) : "") {
            if (origins.containsKey(k)) {
                return origins.get(k);
            }
        }
        // a section as a whole: an overlay or --set that changed part of it is the likelier cause
        List<String> within = origins.entrySet().stream().filter(o -> o.getKey().startsWith(key + ".")).map(Map.Entry::getValue).toList();
        return within.stream().filter(o -> !o.equals(baseFile)).reduce((first, last) -> last)
                .orElse(within.isEmpty() ? baseFile : within.get(0));
    }

    private static void recordOrigins(JsonNode node, String prefix, String origin, Map<String, String> origins) {
        if (node instanceof ObjectNode object && !object.isEmpty()) {
            object.fields().forEachRemaining(f ->
                    recordOrigins(f.getValue(), prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), origin, origins));
        } else if (!prefix.isEmpty()) {
            origins.put(prefix, origin);
        }
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

    /** Applies one {@code --set path=value}; returns the path. */
    private static String apply(ObjectNode root, String setting) {
        int eq = setting.indexOf('=');
        if (eq <= 0) {
            throw new UsageException("--set takes path=value, got '" + setting + "'");
        }
        String dotted = setting.substring(0, eq).strip();
        String[] path = keyPath(dotted);
        JsonNode value;
        try {
            value = YAML.readTree(setting.substring(eq + 1));
        } catch (IOException e) {
            throw new UsageException("--set " + dotted + ": the value is not valid YAML");
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
        return dotted;
    }

    /**
     * The sections whose keys are Spark's own dotted names: under them the rest of a --set path is
     * one key ({@code spark.spark.sql.shuffle.partitions} sets {@code spark.sql.shuffle.partitions}).
     */
    private static final List<String> SPARK_SECTIONS = List.of("small_input.spark", "serve.spark", "spark_local", "spark");

    private static String[] keyPath(String dotted) {
        for (String section : SPARK_SECTIONS) {
            if (dotted.startsWith(section + ".") && dotted.length() > section.length() + 1) {
                List<String> parts = new ArrayList<>(List.of(section.split("\\.")));
                parts.add(dotted.substring(section.length() + 1));
                return parts.toArray(String[]::new);
            }
        }
        return dotted.split("\\.");
    }

    /** The raw tree under a dotted path (the fingerprints of the method, the catalogue's overrides), or null. */
    public JsonNode node(String dottedPath) {
        JsonNode node = root;
        for (String part : dottedPath.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node == null || node.isMissingNode() ? null : node;
    }

    /** The themes (contract section 4), in the order of their weights under {@code scoring.weights}. */
    public List<String> themes() {
        return settings.scoring().themes();
    }

    /** A path setting's value, relative to the conf folder unless absolute. */
    public Path resolve(String value) {
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
