package nl.buurtsignaal.base;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.List;

/**
 * The engine's one JSON mapper (Jackson's, thread-safe once made): keys in insertion order, the
 * same text for the same values. The registry's columns, the hub's answers, manifests and the
 * generator's files all go through it; the configuration's strict binding and canonical hash have
 * mappers of their own in {@code config}.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false);
    /** The same, indented for files a person reads. */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text == null ? "{}" : text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + e.getOriginalMessage());
        }
    }

    public static List<String> strings(String json, String field) {
        List<String> out = new ArrayList<>();
        read(json).path(field).forEach(n -> out.add(n.asText()));
        return out;
    }
}
