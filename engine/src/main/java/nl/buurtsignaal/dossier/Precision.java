package nl.buurtsignaal.dossier;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How good a rule is (contract section 9): of its signals in a window of as_of dates that have a
 * label (see {@link Verdict}), the share confirmed, with a 95 % Wilson score interval, and its
 * lift: that share divided by the control sample's confirmation rate in the same window. The
 * control sample is drawn at random from addresses no rule raised, so lift says how much better
 * than chance the rule finds what the hub confirms; precision alone only says how often the hub
 * agreed with what the rule showed it.
 */
public final class Precision {
    /** z for a two-sided 95 % interval. */
    static final double Z = 1.959963984540054;

    /** A labelled signal: its as_of, its rule (or CONTROL, or MELDING) and its label (1 or 0). */
    public record Labelled(LocalDate asOf, String ruleId, int label) {
    }

    /** A row of gold.rule_precision. Precision and its interval are null without a reviewed signal; lift is null without a control rate above 0. */
    public record Row(LocalDate fromAsOf, LocalDate toAsOf, String ruleId, long reviewed, long confirmed, long dismissed,
                      Double precision, Double low, Double high, Double lift) {
    }

    private Precision() {
    }

    /** The rows of one window [from, to] of as_of dates (inclusive), one per rule with a labelled signal, and CONTROL. */
    public static List<Row> of(Collection<Labelled> labelled, LocalDate from, LocalDate to) {
        Map<String, long[]> counts = new TreeMap<>();
        counts.put(ControlSample.RULE_ID, new long[2]);
        for (Labelled l : labelled) {
            if ((from != null && l.asOf().isBefore(from)) || (to != null && l.asOf().isAfter(to))) {
                continue;
            }
            long[] c = counts.computeIfAbsent(l.ruleId(), k -> new long[2]);
            c[l.label() == 1 ? 0 : 1]++;
        }
        long[] control = counts.get(ControlSample.RULE_ID);
        Double base = control[0] + control[1] == 0 ? null : (double) control[0] / (control[0] + control[1]);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            long confirmed = e.getValue()[0];
            long dismissed = e.getValue()[1];
            long n = confirmed + dismissed;
            double[] ci = wilson(confirmed, n);
            Double p = n == 0 ? null : (double) confirmed / n;
            Double lift = p == null || base == null || base == 0 ? null : p / base;
            rows.add(new Row(from, to, e.getKey(), n, confirmed, dismissed, p, ci == null ? null : ci[0],
                    ci == null ? null : ci[1], lift));
        }
        return rows;
    }

    /** The 95 % Wilson score interval of k successes in n trials; null when n is 0. */
    public static double[] wilson(long k, long n) {
        if (n == 0) {
            return null;
        }
        double p = (double) k / n;
        double z2 = Z * Z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
