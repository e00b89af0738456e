package nl.buurtsignaal.models;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ranking figures that treat tied scores honestly, for a model and a baseline alike. A score with
 * few values (the rules' severity: 1, 2 or 3) ties most cases; an order among tied cases is an
 * artefact, so neither figure depends on one.
 *
 * <ul>
 *   <li>{@link #averagePrecision}: the step-wise area under the precision-recall curve, as
 *   scikit-learn's {@code average_precision_score}: the sum over thresholds of (recall gained) ×
 *   (precision at that threshold), each group of tied scores one threshold. No line is drawn
 *   between thresholds and the curve does not start at the first threshold's precision at recall 0.</li>
 *   <li>{@link #precisionAtK}: the expected precision of the first k over every order of the tied
 *   cases: the groups above the k-th place count whole, the group that straddles it counts by its
 *   share of positives for the places it fills.</li>
 * </ul>
 */
public final class Ranking {
    /** A scored case: its score and whether it was positive. */
    public record Case(double score, boolean positive) {
    }

    private Ranking() {
    }

    /** Groups of tied scores, highest score first: {count, positives} each. */
    private static List<long[]> groups(List<Case> cases) {
        List<Case> sorted = new ArrayList<>(cases);
        sorted.sort(Comparator.comparingDouble(Case::score).reversed());
        List<long[]> groups = new ArrayList<>();
        Double current = null;
        for (Case c : sorted) {
            if (current == null || Double.compare(c.score(), current) != 0) {
                groups.add(new long[]{0, 0});
                current = c.score();
            }
            long[] g = groups.get(groups.size() - 1);
            g[0]++;
            g[1] += c.positive() ? 1 : 0;
        }
        return groups;
    }

    /** Average precision with tie groups; NaN without a positive case. */
    public static double averagePrecision(List<Case> cases) {
        long positives = cases.stream().filter(Case::positive).count();
        if (positives == 0) {
            return Double.NaN;
        }
        double ap = 0;
        long seen = 0;
        long hits = 0;
        for (long[] g : groups(cases)) {
            seen += g[0];
            hits += g[1];
            ap += (g[1] / (double) positives) * (hits / (double) seen);
        }
        return ap;
    }

    /** The expected share of positives among the first {@code k}, over every order of tied cases. */
    public static double precisionAtK(List<Case> cases, int k) {
        if (k <= 0 || k > cases.size()) {
            throw new IllegalArgumentException("k must be 1 to " + cases.size() + ": " + k);
        }
        double expected = 0;
        long placed = 0;
        for (long[] g : groups(cases)) {
            long take = Math.min(g[0], k - placed);
            expected += take * (g[1] / (double) g[0]);
            placed += take;
            if (placed == k) {
                break;
            }
        }
        return expected / k;
    }
}
