package nl.buurtsignaal.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fairness audit of a ranking: per group of neighbourhoods, how often its examples land in the
 * top k (selection rate), how often those selected were right (precision) and how often one without
 * a violation was selected anyway (false-positive rate), against the overall figures.
 *
 * <p>A group is flagged when it is selected more than {@code maxRatio} times (or less than
 * {@code minRatio} times) the overall rate while its precision does not differ from the overall
 * precision past the same bound in the same direction: a group selected half again as often must
 * also be right half again as often, else the model selects it for something other than what it
 * finds. Where none of a group was selected (no precision), its share of violations takes the
 * precision's place. A flag also needs the group's selection rate to differ from the rest's beyond
 * chance (a two-proportion z-test, |z| at least 1.96): a test set's small groups vary by chance
 * alone. Groups with fewer than {@code minGroup} examples are reported, never flagged.
 */
public final class Fairness {
    /** One example of the test set: its score's rank decides selection. */
    public record Example(boolean selected, boolean positive, Map<String, String> groups) {
    }

    /** One row of ml.fairness (without model, version and as_of). */
    public record Row(String groupBy, String groupValue, long n, long selected, long positives, double selectionRate,
                      Double precision, Double falsePositiveRate, double ratioToOverall, Double precisionRatio,
                      boolean flagged) {
    }

    private Fairness() {
    }

    public static List<Row> audit(List<Example> examples, List<String> groupBy, nl.buurtsignaal.config.Settings.Fairness settings) {
        long n = examples.size();
        long selected = examples.stream().filter(Example::selected).count();
        long selectedPositives = examples.stream().filter(e -> e.selected() && e.positive()).count();
        double overallRate = n == 0 ? 0 : selected / (double) n;
        Double overallPrecision = selected == 0 ? null : selectedPositives / (double) selected;
        double overallBase = n == 0 ? 0 : examples.stream().filter(Example::positive).count() / (double) n;
        List<Row> rows = new ArrayList<>();
        for (String by : groupBy) {
            Map<String, List<Example>> groups = new TreeMap<>();
            for (Example e : examples) {
                groups.computeIfAbsent(e.groups().getOrDefault(by, "unknown"), k -> new ArrayList<>()).add(e);
            }
            for (Map.Entry<String, List<Example>> group : groups.entrySet()) {
                rows.add(row(by, group.getKey(), group.getValue(), overallRate, overallPrecision, overallBase, n, selected,
                        settings));
            }
        }
        return rows;
    }

    private static Row row(String by, String value, List<Example> members, double overallRate, Double overallPrecision,
                           double overallBase, long total, long totalSelected, nl.buurtsignaal.config.Settings.Fairness settings) {
        long n = members.size();
        long selected = members.stream().filter(Example::selected).count();
        long positives = members.stream().filter(Example::positive).count();
        long truePositives = members.stream().filter(e -> e.selected() && e.positive()).count();
        long negatives = n - positives;
        double rate = selected / (double) n;
        Double precision = selected == 0 ? null : truePositives / (double) selected;
        Double fpr = negatives == 0 ? null : (selected - truePositives) / (double) negatives;
        double ratio = overallRate == 0 ? 0 : rate / overallRate;
        Double precisionRatio = precision == null || overallPrecision == null || overallPrecision == 0 ? null
                : precision / overallPrecision;
        boolean over = ratio > settings.maxRatio();
        boolean under = ratio < settings.minRatio();
        Double evidence = precisionRatio != null ? precisionRatio
                : overallBase == 0 ? null : (positives / (double) n) / overallBase;
        boolean matched = evidence != null
                && (over ? evidence > settings.maxRatio() : evidence < settings.minRatio());
        boolean flagged = n >= settings.minGroup() && overallRate > 0 && (over || under) && !matched
                && Math.abs(z(selected, n, totalSelected - selected, total - n)) >= settings.zCritical();
        return new Row(by, value, n, selected, positives, rate, precision, fpr, ratio, precisionRatio, flagged);
    }

    /** The two-proportion z statistic of a/n against b/m (0 when either side is empty or there is no variance). */
    static double z(long a, long n, long b, long m) {
        if (n == 0 || m == 0) {
            return 0;
        }
        double pooled = (a + b) / (double) (n + m);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n + 1.0 / m));
        return se == 0 ? 0 : (a / (double) n - b / (double) m) / se;
    }

    /** The flagged groups as "group_by=value", for the registry's summary and the model card. */
    public static List<String> flagged(List<Row> rows) {
        return rows.stream().filter(Row::flagged).map(r -> r.groupBy() + "=" + r.groupValue()).toList();
    }

    /** A row as JSON-ready values. */
    public static Map<String, Object> json(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group_by", r.groupBy());
        m.put("group_value", r.groupValue());
        m.put("n", r.n());
        m.put("selected", r.selected());
        m.put("positives", r.positives());
        m.put("selection_rate", r.selectionRate());
        m.put("precision", r.precision());
        m.put("false_positive_rate", r.falsePositiveRate());
        m.put("ratio_to_overall", r.ratioToOverall());
        m.put("precision_ratio", r.precisionRatio());
        m.put("flagged", r.flagged());
        return m;
    }
}
