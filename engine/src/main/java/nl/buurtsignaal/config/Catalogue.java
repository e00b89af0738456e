package nl.buurtsignaal.config;

import nl.buurtsignaal.base.Json;
import nl.buurtsignaal.base.Hashing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nl.buurtsignaal.base.UsageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The declarative catalogue of rules and indicators: every {@code *.yaml} under the configured
 * catalogue folder. Loading checks each file's shape, its parameters and the uniqueness of ids;
 * the SQL itself is checked against the lake by {@code CatalogueRunner.validate}.
 */
public final class Catalogue {
    /** Care data serves this theme only, and only as neighbourhood aggregates (contract section 4). */
    public static final String CARE_THEME = "care_stacking";
    private static final Set<String> SUBJECT_TYPES = Set.of("address", "company", "person", "object");
    private static final Set<String> FIELDS = Set.of("id", "kind", "theme", "description", "practice",
            "sources", "subject_type", "scale", "parameters", "sql", "plant");

    private final List<CatalogueEntry> entries;

    private Catalogue(List<CatalogueEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Catalogue load(EngineConfig config) {
        Path folder = config.resolve(config.settings().catalogueDir());
        if (!Files.isDirectory(folder)) {
            throw new UsageException("catalogue folder not found: " + folder);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UsageException("catalogue folder cannot be read: " + folder);
        }
        List<CatalogueEntry> entries = new ArrayList<>();
        Map<String, Path> seen = new LinkedHashMap<>();
        for (Path file : files) {
            CatalogueEntry entry = parse(file, config);
            Path earlier = seen.putIfAbsent(entry.id(), file);
            if (earlier != null) {
                throw new UsageException("catalogue " + file.getFileName() + ": id " + entry.id()
                        + " is already declared in " + earlier.getFileName());
            }
            entries.add(entry);
        }
        JsonNode overrides = config.node("catalogue");
        if (overrides != null && overrides.isObject()) {
            overrides.fieldNames().forEachRemaining(id -> {
                if (!seen.containsKey(id)) {
                    throw new UsageException("setting catalogue." + id + " names no rule or indicator of the catalogue");
                }
            });
        }
        if (entries.isEmpty()) {
            throw new UsageException("catalogue folder " + folder + " holds no *.yaml file");
        }
        return new Catalogue(entries);
    }

    static CatalogueEntry parse(Path file, EngineConfig config) {
        String name = file.getFileName().toString();
        ObjectNode node = EngineConfig.readYaml(file);
        node.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw new UsageException("catalogue " + name + ": unknown field '" + field + "'");
            }
        });
        String id = required(node, "id", name);
        if (!id.matches("[A-Za-z0-9_.-]+")) {
            throw new UsageException("catalogue " + name + ": id must consist of letters, digits, '_', '.' and '-', not '" + id + "'");
        }
        String kind = required(node, "kind", name);
        String theme = required(node, "theme", name);
        String sql = required(node, "sql", name);
        if (!CatalogueEntry.RULE.equals(kind) && !CatalogueEntry.INDICATOR.equals(kind)) {
            throw new UsageException("catalogue " + name + ": kind must be rule or indicator, not '" + kind + "'");
        }
        if (!config.themes().contains(theme)) {
            throw new UsageException("catalogue " + name + ": theme must be one of " + config.themes() + ", not '" + theme + "'");
        }
        String subjectType = text(node, "subject_type");
        int scale = node.path("scale").asInt(0);
        if (CatalogueEntry.RULE.equals(kind)) {
            if (!SUBJECT_TYPES.contains(subjectType)) {
                throw new UsageException("catalogue " + name + ": a rule needs subject_type, one of " + SUBJECT_TYPES);
            }
            if (CARE_THEME.equals(theme)) {
                throw new UsageException("catalogue " + name + ": care data may only feed neighbourhood indicators, not rules");
            }
        } else if (node.has("plant")) {
            throw new UsageException("catalogue " + name + ": an indicator has no planted case (plant: is for rules)");
        } else if (scale != 100 && scale != 1000) {
            throw new UsageException("catalogue " + name + ": an indicator needs scale 100 or 1000");
        }
        List<String> sources = new ArrayList<>();
        node.path("sources").forEach(s -> sources.add(s.asText()));

        Map<String, Object> parameters = new LinkedHashMap<>();
        ObjectMapper plain = Json.MAPPER;
        JsonNode declared = node.path("parameters");
        declared.fields().forEachRemaining(e -> parameters.put(e.getKey(), plain.convertValue(e.getValue(), Object.class)));
        JsonNode overrides = config.node("catalogue." + id);
        if (overrides != null && overrides.isObject()) {
            overrides.fields().forEachRemaining(e -> {
                if (!parameters.containsKey(e.getKey())) {
                    throw new UsageException("setting catalogue." + id + "." + e.getKey() + ": " + name + " has no such parameter");
                }
                Object value = plain.convertValue(e.getValue(), Object.class);
                if (value == null || (parameters.get(e.getKey()) instanceof Number && !(value instanceof Number))) {
                    throw new UsageException("setting catalogue." + id + "." + e.getKey() + " must be a number");
                }
                parameters.put(e.getKey(), value);
            });
        }
        CatalogueEntry entry = new CatalogueEntry(id, kind, theme, text(node, "description"), text(node, "practice"),
                sources, subjectType, scale, parameters, sql, file, node.get("plant"));
        Set<String> used = new HashSet<>(entry.placeholders());
        for (String placeholder : used) {
            if (!parameters.containsKey(placeholder)) {
                throw new UsageException("catalogue " + name + ": the SQL uses ${" + placeholder + "} but no such parameter is declared");
            }
        }
        for (String parameter : parameters.keySet()) {
            if (!used.contains(parameter)) {
                throw new UsageException("catalogue " + name + ": parameter " + parameter + " is declared but the SQL never uses it");
            }
            if (parameters.get(parameter) == null) {
                throw new UsageException("catalogue " + name + ": parameter " + parameter + " has no value");
            }
        }
        return entry;
    }

    private static String required(ObjectNode node, String field, String file) {
        String value = text(node, field);
        if (value == null || value.isBlank()) {
            throw new UsageException("catalogue " + file + ": required field '" + field + "' is missing");
        }
        return value.strip();
    }

    private static String text(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    public List<CatalogueEntry> entries() {
        return entries;
    }

    public List<CatalogueEntry> rules() {
        return entries.stream().filter(CatalogueEntry::isRule).toList();
    }

    public List<CatalogueEntry> indicators() {
        return entries.stream().filter(e -> !e.isRule()).toList();
    }

    /** A fingerprint of everything that decides the results: the entries and their effective parameters. */
    public String fingerprint() {
        StringBuilder b = new StringBuilder();
        for (CatalogueEntry e : entries) {
            b.append(e.id()).append('|').append(e.kind()).append('|').append(e.theme()).append('|')
                    .append(e.scale()).append('|').append(new java.util.TreeMap<>(e.parameters())).append('|')
                    .append(e.sql()).append('\n');
        }
        return Hashing.sha256(b.toString());
    }
}
