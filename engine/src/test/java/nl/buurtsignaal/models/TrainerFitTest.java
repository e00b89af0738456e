package nl.buurtsignaal.models;

import nl.buurtsignaal.SparkTestBase;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.Settings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The trainer's fit on hand-made examples, rows in and a judgement out, no lake: a feature that
 * carries the label beats the rules' severity and passes the gate; a feature of noise does not;
 * too few labels is a one-line refusal.
 */
class TrainerFitTest extends SparkTestBase {
    private static final LocalDate SNAPSHOT = LocalDate.of(2026, 10, 31);

    /**
     * Examples where the label is 1 with probability {@code signal ? x : 0.3}: with a signal the
     * feature orders the cases, without one it is noise. The baseline (the rules' severity, 1 to 3)
     * is noise either way.
     */
    private static Trainer.Examples examples(int train, int test, boolean signal, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StructType schema = new StructType()
                .add("point_id", DataTypes.StringType).add("role", DataTypes.StringType)
                .add("label", DataTypes.DoubleType).add("x", DataTypes.DoubleType)
                .add("baseline", DataTypes.DoubleType);
        for (String group : ModelData.GROUPS) {
            schema = schema.add(group, DataTypes.StringType);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < train + test; i++) {
            double x = random.nextDouble();
            double label = random.nextDouble() < (signal ? x : 0.3) ? 1.0 : 0.0;
            List<Object> values = new ArrayList<>(List.of(String.format("p%04d", i), i < train ? "train" : "test",
                    label, x, (double) (1 + random.nextInt(3))));
            for (String ignored : ModelData.GROUPS) {
                values.add(i % 2 == 0 ? "a" : "b");
            }
            rows.add(RowFactory.create(values.toArray()));
        }
        Dataset<Row> data = spark().createDataFrame(rows, schema);
        assertEquals(Trainer.exampleColumns(List.of("x")), List.of(data.columns()));
        return new Trainer.Examples(data, Map.of("enforcement", (long) train + test), SNAPSHOT.minusMonths(12));
    }

    private static Trainer.Definition definition() {
        Settings.Models models = config().settings().models();
        return new Trainer.Definition("logistic_regression", List.of("x"), Map.of("x", "-- hand-made"),
                List.of("enforcement"), 12, 2, Map.of("regParam", List.of(0.01)), 7, SNAPSHOT, 20,
                models.fairness(), models.training(), 200, 0.0);
    }

    @Test
    void aFeatureThatCarriesTheLabelBeatsTheRulesAndPassesTheGate() {
        Trainer.Evaluation e = Trainer.fit(examples(300, 200, true, 1), definition(), "hand_made", Progress.silent());
        assertEquals(300, ((Number) e.metrics().get("n_train")).intValue());
        assertEquals(200, ((Number) e.metrics().get("n_test")).intValue());
        double auc = ((Number) e.metrics().get("auc_pr")).doubleValue();
        double baseline = ((Number) e.metrics().get("auc_pr_baseline")).doubleValue();
        assertTrue(auc > baseline + 0.1, "AUC-PR " + auc + " against the severity's " + baseline);
        assertTrue(e.promotable(), "the gate: " + e.metrics().get("gate"));
        assertEquals(20, ((Number) e.metrics().get("k")).intValue());
        assertTrue(e.explanation().toString().contains("x"), "the explanation names the feature: " + e.explanation());
    }

    @Test
    void aFeatureOfNoiseDoesNotPassTheGate() {
        Trainer.Evaluation e = Trainer.fit(examples(300, 200, false, 2), definition(), "noise", Progress.silent());
        assertFalse(e.promotable(), "the gate: " + e.metrics().get("gate"));
    }

    @Test
    void tooFewLabelsIsAOneLineRefusal() {
        UsageException refused = assertThrows(UsageException.class,
                () -> Trainer.fit(examples(6, 4, true, 3), definition(), "tiny", Progress.silent()));
        assertTrue(refused.getMessage().startsWith("too few labels to train tiny: 6 training examples"), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"));
    }
}
