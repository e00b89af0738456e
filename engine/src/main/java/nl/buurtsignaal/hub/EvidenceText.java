package nl.buurtsignaal.hub;

import nl.buurtsignaal.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A signal's evidence in words, by the templates of conf/hub/evidence.yaml: sentences over the
 * evidence's fields and a line per item of its lists. A rule without a template is shown as its
 * fields, one a line, so that a new rule is readable before anyone writes its template.
 */
public final class EvidenceText {
    private static final Pattern FIELD = Pattern.compile("\\{([a-z0-9_]+)}");
    private static final ObjectMapper JSON = Json.MAPPER;

    private record Template(List<String> facts, Map<String, String> lists) {
    }

    private final Map<String, Template> templates;

    private EvidenceText(Map<String, Template> templates) {
        this.templates = templates;
    }

    public static EvidenceText load(EngineConfig config) {
        Path file = config.resolve(config.settings().hub().evidenceTemplates());
        Map<String, Template> templates = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            throw new UsageException("evidence templates not found: " + file + " (hub.evidence_templates)");
        }
        ObjectNode root = EngineConfig.readYaml(file);
        root.fields().forEachRemaining(rule -> {
            List<String> facts = new ArrayList<>();
            rule.getValue().path("facts").forEach(f -> facts.add(f.asText()));
            Map<String, String> lists = new LinkedHashMap<>();
            rule.getValue().path("lists").fields().forEachRemaining(l -> lists.put(l.getKey(), l.getValue().asText()));
            templates.put(rule.getKey(), new Template(facts, lists));
        });
        return new EvidenceText(templates);
    }

    /** The evidence as an object (for the API), or an empty object when it is not JSON. */
    public static JsonNode parse(String evidence) {
        try {
            JsonNode node = JSON.readTree(evidence == null ? "{}" : evidence);
            return node != null && node.isObject() ? node : JSON.createObjectNode();
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** The facts in words: the rule's sentences, then one line per item of each list. */
    public List<String> render(String ruleId, JsonNode evidence) {
        List<String> lines = new ArrayList<>();
        Template template = templates.get(ruleId);
        if (template == null) {
            evidence.fields().forEachRemaining(f -> lines.add(f.getKey().replace('_', ' ') + ": " + plain(f.getValue())));
            return lines;
        }
        template.facts().forEach(fact -> lines.add(fill(fact, evidence)));
        template.lists().forEach((field, line) -> {
            for (JsonNode item : evidence.path(field)) {
                lines.add(fill(line, item));
            }
        });
        return lines;
    }

    private static String fill(String template, JsonNode values) {
        Matcher m = FIELD.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode value = "item".equals(m.group(1)) && !values.isObject() ? values : values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "?" : plain(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String plain(JsonNode value) {
        if (value.isNull()) {
            return "none";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            for (Iterator<JsonNode> it = value.elements(); it.hasNext(); ) {
                items.add(plain(it.next()));
            }
            return String.join(", ", items);
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
