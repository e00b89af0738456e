package nl.buurtsignaal.models;

import nl.buurtsignaal.SparkTestBase;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Ranking figures on hand-made scores, computed by hand; without ties, against MLlib's curve. */
class RankingTest extends SparkTestBase {
    static List<Ranking.Case> cases(double[] scores, boolean[] positive) {
        List<Ranking.Case> out = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            out.add(new Ranking.Case(scores[i], positive[i]));
        }
        return out;
    }

    @Test
    void withoutTiesEachCaseIsAStep() {
        List<Ranking.Case> c = cases(new double[]{0.5, 0.9, 0.6, 0.7, 0.8}, new boolean[]{true, true, false, true, false});
        // ranked: 0.9 +, 0.8 -, 0.7 +, 0.6 -, 0.5 +: (1/3)(1/1) + (1/3)(2/3) + (1/3)(3/5) = 34/45
        assertEquals(34.0 / 45, Ranking.averagePrecision(c), 1e-12);
        assertEquals(1.0 / 2, Ranking.precisionAtK(c, 2), 1e-12);
        assertEquals(2.0 / 3, Ranking.precisionAtK(c, 3), 1e-12);
    }

    @Test
    void tiedScoresAreOneStepAndTheirOrderCountsForNothing() {
        // the rules' severity: 3 on four cases (one positive), 2 on four (two), 1 on two (one); base rate 0.4
        List<Ranking.Case> c = cases(new double[]{3, 3, 3, 3, 2, 2, 2, 2, 1, 1},
                new boolean[]{true, false, false, false, true, true, false, false, true, false});
        // (1/4)(1/4) + (2/4)(3/8) + (1/4)(4/10) = 0.35: below the base rate, as a ranking worse than chance should be
        assertEquals(0.35, Ranking.averagePrecision(c), 1e-12);
        assertEquals(0.25, Ranking.precisionAtK(c, 4), 1e-12);
        // the top four whole (one positive) and one of the next four at its rate 1/2: 1.5 of 5
        assertEquals(0.3, Ranking.precisionAtK(c, 5), 1e-12);
        assertEquals(0.4, Ranking.precisionAtK(c, 10), 1e-12);
    }

    @Test
    void aConstantScoreIsWorthTheBaseRateByEveryFigure() {
        List<Ranking.Case> c = cases(new double[]{1, 1, 1, 1, 1, 1, 1, 1}, new boolean[]{true, false, false, true, false, false, false, true});
        assertEquals(3.0 / 8, Ranking.averagePrecision(c), 1e-12);
        for (int k = 1; k <= 8; k++) {
            assertEquals(3.0 / 8, Ranking.precisionAtK(c, k), 1e-12, "k = " + k);
        }
    }

    @Test
    void withoutTiesTheFiguresAreMllibsCurveTakenStepWise() {
        Random random = new Random(39);
        List<Ranking.Case> c = new ArrayList<>();
        List<Tuple2<Object, Object>> pairs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double score = random.nextDouble();
            boolean positive = random.nextDouble() < score * 0.6;
            c.add(new Ranking.Case(score, positive));
            pairs.add(new Tuple2<>(score, positive ? 1.0 : 0.0));
        }
        JavaRDD<Tuple2<Object, Object>> rdd = JavaSparkContext.fromSparkContext(spark().sparkContext()).parallelize(pairs, 1);
        BinaryClassificationMetrics mllib = new BinaryClassificationMetrics(rdd.rdd());
        List<Tuple2<Object, Object>> curve = mllib.pr().toJavaRDD().collect();
        double stepWise = 0;
        for (int i = 1; i < curve.size(); i++) {
            double recallGained = (double) curve.get(i)._1() - (double) curve.get(i - 1)._1();
            stepWise += recallGained * (double) curve.get(i)._2();
        }
        assertEquals(stepWise, Ranking.averagePrecision(c), 1e-9);
        List<Tuple2<Object, Object>> precisionByThreshold = mllib.precisionByThreshold().toJavaRDD().collect();
        // thresholds from the highest score down: the k-th threshold's precision is the precision of the first k
        assertEquals((double) precisionByThreshold.get(24)._2(), Ranking.precisionAtK(c, 25), 1e-9);
    }
}
