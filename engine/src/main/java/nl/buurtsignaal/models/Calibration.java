package nl.buurtsignaal.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Platt scaling: a probability from a model's score, {@code 1 / (1 + exp(-(a · logit(score) + b)))},
 * fitted by maximum likelihood on held-out cases with Platt's smoothed targets
 * ((positives + 1) / (positives + 2) and 1 / (negatives + 2)), so that a small set does not push a
 * probability to 0 or 1. The class-weighted score a model is trained on is not a probability (its
 * weights balance the classes); after scaling it is one, on the scale of the held-out base rate.
 *
 * <p>The slope is kept at 0 or above: a scaling never reverses the model's order, so the ranking
 * the figures describe is the ranking the hub sees.
 */
public record Calibration(double a, double b, long fittedOn) {
    private static final double EDGE = 1e-6;

    /** The calibrated probability of a score. */
    public double probability(double score) {
        return sigmoid(a * logit(score) + b);
    }

    /** As the registry records it (ml.model.metrics, key "calibrator"). */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", "platt");
        m.put("a", a);
        m.put("b", b);
        m.put("fitted_on", fittedOn);
        return m;
    }

    /** A recorded calibrator, or null where a version has none (trained before calibration). */
    public static Calibration of(com.fasterxml.jackson.databind.JsonNode recorded) {
        if (recorded == null || !recorded.isObject() || !"platt".equals(recorded.path("method").asText())) {
            return null;
        }
        return new Calibration(recorded.path("a").asDouble(), recorded.path("b").asDouble(), recorded.path("fitted_on").asLong());
    }

    /** Fits a and b on held-out scores and labels (Newton's method on the log-likelihood). */
    public static Calibration fit(List<Ranking.Case> cases) {
        long positives = cases.stream().filter(Ranking.Case::positive).count();
        long negatives = cases.size() - positives;
        double high = (positives + 1.0) / (positives + 2.0);
        double low = 1.0 / (negatives + 2.0);
        double[] x = new double[cases.size()];
        double[] t = new double[cases.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = logit(cases.get(i).score());
            t[i] = cases.get(i).positive() ? high : low;
        }
        double a = 1;
        double b = 0;
        double loss = loss(x, t, a, b);
        for (int iteration = 0; iteration < 100; iteration++) {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (int i = 0; i < x.length; i++) {
                double p = sigmoid(a * x[i] + b);
                double d = p - t[i];
                double w = Math.max(p * (1 - p), 1e-12);
                ga += d * x[i];
                gb += d;
                haa += w * x[i] * x[i];
                hab += w * x[i];
                hbb += w;
            }
            double det = haa * hbb - hab * hab;
            if (Math.abs(det) < 1e-12) {
                break;
            }
            double da = (hbb * ga - hab * gb) / det;
            double db = (haa * gb - hab * ga) / det;
            // a Newton step, halved until the likelihood improves (a far start can otherwise overshoot)
            double step = 1;
            double next = loss(x, t, a - da, b - db);
            while (next > loss && step > 1e-8) {
                step /= 2;
                next = loss(x, t, a - step * da, b - step * db);
            }
            if (next > loss) {
                break;
            }
            a -= step * da;
            b -= step * db;
            boolean converged = loss - next < 1e-12;
            loss = next;
            if (converged) {
                break;
            }
        }
        if (!(a >= 0) || !Double.isFinite(b)) {
            // no order to keep: every case the (smoothed) base rate
            double mean = 0;
            for (double target : t) {
                mean += target;
            }
            return new Calibration(0, logit(mean / t.length), cases.size());
        }
        return new Calibration(a, b, cases.size());
    }

    /**
     * Probabilities for held-out cases from calibrators that never saw them: the cases split in two
     * by {@code fold} (0 or 1), each half scaled by the calibrator fitted on the other half. The
     * calibration table is drawn from these, so it does not flatter the calibrator.
     */
    public static List<Double> crossFitted(List<Ranking.Case> cases, List<Integer> fold) {
        List<Ranking.Case> first = new ArrayList<>();
        List<Ranking.Case> second = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            (fold.get(i) == 0 ? first : second).add(cases.get(i));
        }
        Calibration fromSecond = second.isEmpty() ? fit(cases) : fit(second);
        Calibration fromFirst = first.isEmpty() ? fit(cases) : fit(first);
        List<Double> out = new ArrayList<>(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            out.add((fold.get(i) == 0 ? fromSecond : fromFirst).probability(cases.get(i).score()));
        }
        return out;
    }

    /** The negative log-likelihood of the targets under a and b. */
    private static double loss(double[] x, double[] t, double a, double b) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            double z = a * x[i] + b;
            // log(1 + e^z) - t z, computed without overflow
            total += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t[i] * z;
        }
        return total;
    }

    static double logit(double p) {
        double clamped = Math.min(1 - EDGE, Math.max(EDGE, p));
        return Math.log(clamped / (1 - clamped));
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
