package nl.buurtsignaal.config;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
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
        Path file) {

    public static final String RULE = "rule";
    public static final String INDICATOR = "indicator";
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
        Matcher matcher = PLACEHOLDER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement;
            if ("as_of".equals(name) || (parameters.containsKey(name) && !(parameters.get(name) instanceof List<?>))) {
                replacement = ":" + name;
            } else if (parameters.containsKey(name)) {
                replacement = literal(parameters.get(name));
            } else {
                throw new IllegalStateException(file + ": parameter ${" + name + "} is not declared");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The values of {@link #parameterisedSql}'s markers: as_of and every single-valued parameter the SQL names. */
    public java.util.Map<String, Object> args(LocalDate asOf) {
        java.util.Map<String, Object> args = new java.util.LinkedHashMap<>();
        Matcher matcher = PLACEHOLDER.matcher(sql);
        while (matcher.find()) {
            String name = matcher.group(1);
            if ("as_of".equals(name)) {
                args.put(name, java.sql.Date.valueOf(asOf));
            } else if (parameters.containsKey(name) && !(parameters.get(name) instanceof List<?>)) {
                args.put(name, parameters.get(name));
            }
        }
        return args;
    }

    /** Any SQL text with this entry's parameters and as_of in place of its placeholders. */
    public String bind(String text, LocalDate asOf) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String literal;
            if ("as_of".equals(name)) {
                literal = "DATE'" + asOf + "'";
            } else if (parameters.containsKey(name)) {
                literal = literal(parameters.get(name));
            } else {
                throw new IllegalStateException(file + ": parameter ${" + name + "} is not declared");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(literal));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Names of the placeholders the SQL uses, without as_of. */
    public List<String> placeholders() {
        Matcher matcher = PLACEHOLDER.matcher(sql);
        ArrayList<String> names = new ArrayList<>();
        while (matcher.find()) {
            if (!"as_of".equals(matcher.group(1))) {
                names.add(matcher.group(1));
            }
        }
        return names;
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
