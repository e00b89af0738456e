package nl.buurtsignaal.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Paired bootstrap intervals for the ranking figures of a model and its baseline on the same test
 * cases: each resample draws the cases with replacement (the same draw for both), and the 2.5th and
 * 97.5th percentiles of a figure over the resamples are its 95 % interval; the difference's
 * interval says whether the model ranks better than the baseline beyond the test set's chance.
 * Seeded: the same cases and seed give the same intervals.
 */
public final class Bootstrap {
    /** A 95 % percentile interval. */
    public record Interval(double lower, double upper) {
        List<Double> asList() {
            return List.of(lower, upper);
        }
    }

    /** The intervals of one evaluation, and how many resamples counted (a resample without a positive has no AUC-PR). */
    public record Intervals(Interval aucPr, Interval aucPrBaseline, Interval aucPrDifference, Interval precisionAtK,
                            Interval precisionAtKBaseline, Interval precisionAtKDifference, int resamples, int counted,
                            long seed) {

        /** As the registry records them (ml.model.metrics, key "intervals"). */
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", "paired bootstrap of the test cases, 2.5th and 97.5th percentiles");
            m.put("resamples", resamples);
            m.put("counted", counted);
            m.put("seed", seed);
            m.put("auc_pr", aucPr.asList());
            m.put("auc_pr_baseline", aucPrBaseline.asList());
            m.put("auc_pr_difference", aucPrDifference.asList());
            m.put("precision_at_k", precisionAtK.asList());
            m.put("precision_at_k_baseline", precisionAtKBaseline.asList());
            m.put("precision_at_k_difference", precisionAtKDifference.asList());
            return m;
        }
    }

    private Bootstrap() {
    }

    /**
     * Intervals for the model's and the baseline's figures on paired cases ({@code model.get(i)} and
     * {@code baseline.get(i)} are the same case), precision in the first {@code k}.
     */
    public static Intervals of(List<Ranking.Case> model, List<Ranking.Case> baseline, int k, int resamples, long seed) {
        if (model.size() != baseline.size() || model.isEmpty()) {
            throw new IllegalArgumentException("paired cases expected: " + model.size() + " and " + baseline.size());
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be at least 1: " + resamples);
        }
        int n = model.size();
        SplittableRandom random = new SplittableRandom(seed);
        double[][] figures = new double[6][resamples];
        int counted = 0;
        List<Ranking.Case> m = new ArrayList<>(n);
        List<Ranking.Case> b = new ArrayList<>(n);
        for (int r = 0; r < resamples; r++) {
            m.clear();
            b.clear();
            for (int i = 0; i < n; i++) {
                int pick = random.nextInt(n);
                m.add(model.get(pick));
                b.add(baseline.get(pick));
            }
            double apModel = Ranking.averagePrecision(m);
            if (Double.isNaN(apModel)) {
                continue;
            }
            double apBaseline = Ranking.averagePrecision(b);
            double pModel = Ranking.precisionAtK(m, k);
            double pBaseline = Ranking.precisionAtK(b, k);
            figures[0][counted] = apModel;
            figures[1][counted] = apBaseline;
            figures[2][counted] = apModel - apBaseline;
            figures[3][counted] = pModel;
            figures[4][counted] = pBaseline;
            figures[5][counted] = pModel - pBaseline;
            counted++;
        }
        if (counted == 0) {
            throw new IllegalArgumentException("no resample holds a positive case");
        }
        Interval[] intervals = new Interval[6];
        for (int f = 0; f < 6; f++) {
            intervals[f] = percentiles(Arrays.copyOf(figures[f], counted));
        }
        return new Intervals(intervals[0], intervals[1], intervals[2], intervals[3], intervals[4], intervals[5], resamples,
                counted, seed);
    }

    /** The 2.5th and 97.5th percentiles (linear between order statistics, as numpy's default). */
    static Interval percentiles(double[] values) {
        Arrays.sort(values);
        return new Interval(quantile(values, 0.025), quantile(values, 0.975));
    }

    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
