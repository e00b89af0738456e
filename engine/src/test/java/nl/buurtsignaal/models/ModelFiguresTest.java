package nl.buurtsignaal.models;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Intervals, the gate on evidence and calibrated probabilities, on cases made by hand or from a known law. */
class ModelFiguresTest {

    /** Cases whose positives follow p = sigmoid(x); the model scores them by x plus noise, the baseline by noise alone. */
    private static List<List<Ranking.Case>> paired(int n, long seed) {
        Random random = new Random(seed);
        List<Ranking.Case> model = new ArrayList<>();
        List<Ranking.Case> baseline = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x = random.nextGaussian() * 2;
            boolean positive = random.nextDouble() < Calibration.sigmoid(x - 1);
            model.add(new Ranking.Case(Calibration.sigmoid(x + 0.3 * random.nextGaussian()), positive));
            baseline.add(new Ranking.Case(1 + random.nextInt(3), positive));
        }
        return List.of(model, baseline);
    }

    @Test
    void intervalsAreSeededAndHoldTheFigure() {
        List<List<Ranking.Case>> cases = paired(300, 7);
        Bootstrap.Intervals a = Bootstrap.of(cases.get(0), cases.get(1), 25, 400, 2026);
        Bootstrap.Intervals b = Bootstrap.of(cases.get(0), cases.get(1), 25, 400, 2026);
        assertEquals(a, b, "the same seed, the same intervals");
        assertNotEquals(a.aucPr(), Bootstrap.of(cases.get(0), cases.get(1), 25, 400, 2027).aucPr());
        double ap = Ranking.averagePrecision(cases.get(0));
        assertTrue(a.aucPr().lower() < ap && ap < a.aucPr().upper(), a.aucPr() + " around " + ap);
        double pk = Ranking.precisionAtK(cases.get(0), 25);
        assertTrue(a.precisionAtK().lower() <= pk && pk <= a.precisionAtK().upper());
        assertTrue(a.aucPrDifference().lower() > 0, "a model of the law beats noise beyond chance: " + a.aucPrDifference());
        assertEquals(400, a.counted());
    }

    @Test
    void percentilesInterpolateLikeNumpy() {
        double[] values = {5, 1, 4, 2, 3};
        Bootstrap.Interval i = Bootstrap.percentiles(values);
        assertEquals(1.1, i.lower(), 1e-12);
        assertEquals(4.9, i.upper(), 1e-12);
    }

    @Test
    void theGateFollowsTheDifferencesInterval() {
        assertTrue(Gate.decide(new Bootstrap.Interval(0.01, 0.2), 0).promotable());
        Gate reaching = Gate.decide(new Bootstrap.Interval(-0.01, 0.3), 0);
        assertFalse(reaching.promotable(), "a large point estimate whose interval reaches 0 is no evidence");
        assertTrue(reaching.reason().startsWith("NOT promotable") && reaching.reason().contains("[-0.010, +0.300]"), reaching.reason());
        assertFalse(Gate.decide(new Bootstrap.Interval(0.04, 0.2), 0.05).promotable(), "the model file's margin");
        assertTrue(Gate.decide(new Bootstrap.Interval(0.06, 0.2), 0.05).promotable());
        // noise against noise: refused
        Random random = new Random(3);
        List<Ranking.Case> a = new ArrayList<>();
        List<Ranking.Case> b = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            boolean positive = random.nextDouble() < 0.25;
            a.add(new Ranking.Case(random.nextDouble(), positive));
            b.add(new Ranking.Case(random.nextDouble(), positive));
        }
        assertFalse(Gate.decide(Bootstrap.of(a, b, 25, 400, 1).aucPrDifference(), 0).promotable());
    }

    @Test
    void plattScalingRecoversAShiftedScoreAndNeverReversesTheOrder() {
        // a class-weighted score: the true log-odds shifted up by 1.5 (as balancing a 1:4 sample does)
        Random random = new Random(11);
        List<Ranking.Case> cases = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            double x = random.nextGaussian() * 1.5 - 1.5;
            cases.add(new Ranking.Case(Calibration.sigmoid(x + 1.5), random.nextDouble() < Calibration.sigmoid(x)));
        }
        Calibration c = Calibration.fit(cases);
        assertEquals(1.0, c.a(), 0.1);
        assertEquals(-1.5, c.b(), 0.15);
        double observed = cases.stream().filter(Ranking.Case::positive).count() / (double) cases.size();
        double mean = cases.stream().mapToDouble(k -> c.probability(k.score())).average().orElseThrow();
        assertEquals(observed, mean, 0.01, "calibrated probabilities average to the observed share");

        // a score that orders the wrong way is not turned around: every case gets the base rate
        List<Ranking.Case> reversed = cases.stream().map(k -> new Ranking.Case(1 - k.score(), k.positive())).toList();
        Calibration flat = Calibration.fit(reversed);
        assertEquals(0, flat.a());
        assertEquals(observed, flat.probability(0.9), 0.01);
        assertEquals(flat.probability(0.1), flat.probability(0.9));
    }

    @Test
    void crossFittedProbabilitiesComeFromTheOtherHalf() {
        List<Ranking.Case> cases = new ArrayList<>();
        List<Integer> folds = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // the first half: positives at high scores; the second: at low scores
            boolean first = i < 20;
            cases.add(new Ranking.Case(i % 2 == 0 ? 0.8 : 0.2, first == (i % 2 == 0)));
            folds.add(first ? 0 : 1);
        }
        List<Double> p = Calibration.crossFitted(cases, folds);
        // the second half's law orders the first half's scores the wrong way: flat, the base rate
        assertEquals(p.get(0), p.get(1), 1e-12);
        assertEquals(0.5, p.get(0), 0.05);
    }
}
