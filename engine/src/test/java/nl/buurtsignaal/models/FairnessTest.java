package nl.buurtsignaal.models;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The audit at its edges: a disparity is flagged only when precision does not explain it and chance cannot. */
class FairnessTest {
    private static final nl.buurtsignaal.config.Settings.Fairness SETTINGS = new nl.buurtsignaal.config.Settings.Fairness(1.25, 0.8, 20, 1.96, 25, 65);

    /** n examples of a group, the first {@code selected} of them selected, {@code hits} of those positive, plus extra positives not selected. */
    private static void add(List<Fairness.Example> to, String group, int n, int selected, int hits, int otherPositives) {
        for (int i = 0; i < n; i++) {
            boolean sel = i < selected;
            boolean pos = sel ? i < hits : i < selected + otherPositives;
            to.add(new Fairness.Example(sel, pos, Map.of("wijk", group)));
        }
    }

    private static Fairness.Row row(List<Fairness.Row> rows, String value) {
        return rows.stream().filter(r -> r.groupValue().equals(value)).findFirst().orElseThrow();
    }

    @Test
    void aGroupSelectedTwiceAsOftenWithTheSamePrecisionIsFlagged() {
        List<Fairness.Example> examples = new ArrayList<>();
        add(examples, "A", 100, 40, 20, 10);   // selected 40 %, precision 50 %
        add(examples, "B", 300, 60, 30, 30);   // selected 20 %, precision 50 %
        List<Fairness.Row> rows = Fairness.audit(examples, List.of("wijk"), SETTINGS);
        Fairness.Row a = row(rows, "A");
        assertEquals(0.4 / 0.25, a.ratioToOverall(), 1e-12);
        assertEquals(1.0, a.precisionRatio(), 1e-12);
        assertTrue(a.flagged());
        assertFalse(row(rows, "B").flagged(), "B at 0.8 of the overall rate is at the bound, not past it");
        assertEquals(List.of("wijk=A"), Fairness.flagged(rows));
    }

    @Test
    void aDisparityMatchedByPrecisionIsNotFlagged() {
        List<Fairness.Example> examples = new ArrayList<>();
        add(examples, "A", 100, 40, 36, 0);    // selected 40 %, precision 90 %
        add(examples, "B", 300, 60, 24, 30);   // selected 20 %, precision 40 %
        List<Fairness.Row> rows = Fairness.audit(examples, List.of("wijk"), SETTINGS);
        assertTrue(row(rows, "A").precisionRatio() > 1.25);
        assertFalse(row(rows, "A").flagged());
        assertTrue(row(rows, "B").precisionRatio() < 0.8);
        assertFalse(row(rows, "B").flagged());
    }

    @Test
    void smallGroupsAndChanceDifferencesAreNotFlagged() {
        List<Fairness.Example> examples = new ArrayList<>();
        add(examples, "small", 19, 15, 5, 0);  // far over, but fewer than 20 examples
        add(examples, "A", 40, 16, 6, 4);      // 1.36x its share, within chance
        add(examples, "B", 300, 75, 35, 30);
        List<Fairness.Row> rows = Fairness.audit(examples, List.of("wijk"), SETTINGS);
        assertTrue(row(rows, "small").ratioToOverall() > 2);
        assertFalse(row(rows, "small").flagged());
        assertTrue(row(rows, "A").ratioToOverall() > 1.25);
        assertTrue(Math.abs(Fairness.z(16, 40, 90, 319)) < 1.96);
        assertFalse(row(rows, "A").flagged());
    }

    @Test
    void aGroupNeverSelectedThoughItsCasesFindViolationsIsFlagged() {
        List<Fairness.Example> examples = new ArrayList<>();
        add(examples, "A", 60, 0, 0, 20);      // never selected, a third positive
        add(examples, "B", 240, 60, 30, 20);
        List<Fairness.Row> rows = Fairness.audit(examples, List.of("wijk"), SETTINGS);
        Fairness.Row a = row(rows, "A");
        assertNull(a.precision());
        assertEquals(0.0, a.ratioToOverall());
        assertEquals(0.0, a.falsePositiveRate());
        assertTrue(a.flagged());
    }

    @Test
    void falsePositiveRateCountsTheSelectedWithoutAViolation() {
        List<Fairness.Example> examples = new ArrayList<>();
        add(examples, "A", 10, 4, 1, 2);       // 3 false positives among 10 - 3 = 7 negatives
        Fairness.Row a = Fairness.audit(examples, List.of("wijk"), SETTINGS).get(0);
        assertEquals(3 / 7.0, a.falsePositiveRate(), 1e-12);
        assertEquals(0.25, a.precision(), 1e-12);
    }
}
