package nl.buurtsignaal.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule or indicator of the catalogue, as declared in one file under {@code conf/catalogue/}.
 *
 * @param kind        {@code rule} (rows of gold.signal) or {@code indicator} (rows of gold.buurt_indicator)
 * @param subjectType for rules: address, company, person or object
 * @param scale       for indicators: 100 (per 100) or 1000 (per 1000)
 * @param parameters  the effective parameters (file defaults overlaid by configuration)
 * @param plant       for rules: how the synthetic city plants a case of it (the file's {@code plant:}
 *                    block, read by the generator's {@code PlantScript}), or null
 */
public record CatalogueEntry(
        String id,
        String kind,
        String theme,
        String description,
        String practice,
        List<String> sources,
        String subjectType,
        int scale,
        Map<String, Object> parameters,
        String sql,
        Path file,
        JsonNode plant) {

    public static final String RULE = "rule";
    public static final String INDICATOR = "indicator";
    /** The reference date's placeholder, {@code ${as_of}}. */
    private static final String AS_OF = "as_of";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    public boolean isRule() {
        return RULE.equals(kind);
    }

    /** The SQL with every {@code ${name}} replaced by its parameter as a SQL literal. */
    public String boundSql(LocalDate asOf) {
        return bind(sql, asOf);
    }

    /**
     * The SQL for Spark's parameterised {@code spark.sql(text, args)}: every {@code ${name}} of a
     * single value (as_of, a number, a text, true or false) becomes the named marker {@code :name},
     * bound by {@link #args}; a list parameter (for {@code IN ${list}}) is written in as a quoted
     * SQL list, since a marker stands for one value.
     */
    public String parameterisedSql() {
        return substitute(sql, name -> isSingleValued(name) ? ":" + name : literal(parameters.get(name)));
    }

    /** The values of {@link #parameterisedSql}'s markers: as_of and every single-valued parameter the SQL names. */
    public Map<String, Object> args(LocalDate asOf) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (String name : names(sql)) {
            if (AS_OF.equals(name)) {
                args.put(name, java.sql.Date.valueOf(asOf));
            } else if (isSingleValued(name)) {
                args.put(name, parameters.get(name));
            }
        }
        return args;
    }

    /** Any SQL text with this entry's parameters and as_of in place of its placeholders. */
    public String bind(String text, LocalDate asOf) {
        return substitute(text, name -> AS_OF.equals(name) ? "DATE'" + asOf + "'" : literal(parameters.get(name)));
    }

    /** Names of the placeholders the SQL uses, without as_of. */
    public List<String> placeholders() {
        return names(sql).stream().filter(name -> !AS_OF.equals(name)).toList();
    }

    /** as_of, or a declared parameter of one value (not a list): what a marker of Spark's parameterised SQL can stand for. */
    private boolean isSingleValued(String name) {
        return AS_OF.equals(name) || parameters.containsKey(name) && !(parameters.get(name) instanceof List<?>);
    }

    /** Every placeholder's name in the text, in order, as often as it stands there. */
    private static List<String> names(String text) {
        List<String> names = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** The text with each placeholder replaced; a name that is neither as_of nor a declared parameter is an error. */
    private String substitute(String text, java.util.function.UnaryOperator<String> replacement) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            if (!AS_OF.equals(name) && !parameters.containsKey(name)) {
                throw new IllegalStateException(file + ": parameter ${" + name + "} is not declared");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement.apply(name)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    static String literal(Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder b = new StringBuilder("(");
            for (int i = 0; i < list.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(literal(list.get(i)));
            }
            return b.append(')').toString();
        }
        return "'" + String.valueOf(value).replace("'", "''") + "'";
    }

    /** Shorthand used in messages. */
    public String where() {
        return file.getFileName().toString();
    }
}
