package nl.buurtsignaal.dossier;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Precision, its Wilson interval and lift at their edges, and the verdict a chain of events gives. */
class PrecisionTest {
    private static final LocalDate SEP = LocalDate.parse("2026-09-30");
    private static final LocalDate OCT = LocalDate.parse("2026-10-31");

    private static List<Precision.Labelled> labelled(LocalDate asOf, String rule, int confirmed, int dismissed) {
        List<Precision.Labelled> out = new ArrayList<>();
        for (int i = 0; i < confirmed; i++) {
            out.add(new Precision.Labelled(asOf, rule, 1));
        }
        for (int i = 0; i < dismissed; i++) {
            out.add(new Precision.Labelled(asOf, rule, 0));
        }
        return out;
    }

    private static Map<String, Precision.Row> byRule(List<Precision.Row> rows) {
        return rows.stream().collect(Collectors.toMap(Precision.Row::ruleId, r -> r));
    }

    @Test
    void wilsonIntervalsAtTheirEdges() {
        assertNull(Precision.wilson(0, 0), "no reviewed signal: no interval");
        double[] none = Precision.wilson(0, 10);
        assertEquals(0.0, none[0], 1e-12);
        assertEquals(0.2775, none[1], 1e-4, "0 of 10: the upper bound is not 0");
        double[] all = Precision.wilson(10, 10);
        assertEquals(0.7225, all[0], 1e-4);
        assertEquals(1.0, all[1], 1e-12);
        double[] one = Precision.wilson(1, 1);
        assertEquals(0.2065, one[0], 1e-4, "1 of 1 says little");
        // a textbook value: 8 of 14 -> [0.326, 0.786]
        double[] mid = Precision.wilson(8, 14);
        assertEquals(0.3259, mid[0], 1e-4);
        assertEquals(0.7862, mid[1], 1e-4);
        for (int n = 1; n < 60; n++) {
            for (int k = 0; k <= n; k++) {
                double[] ci = Precision.wilson(k, n);
                double p = (double) k / n;
                assertTrue(ci[0] <= p + 1e-12 && p <= ci[1] + 1e-12 && ci[0] >= 0 && ci[1] <= 1, k + "/" + n);
            }
        }
    }

    @Test
    void precisionAndLiftPerRuleOverAWindow() {
        List<Precision.Labelled> all = new ArrayList<>();
        all.addAll(labelled(OCT, "U-A", 6, 2));
        all.addAll(labelled(SEP, "U-A", 0, 4));
        all.addAll(labelled(OCT, ControlSample.RULE_ID, 1, 9));
        all.addAll(labelled(OCT, "U-B", 0, 3));
        Map<String, Precision.Row> oct = byRule(Precision.of(all, OCT, OCT));
        assertEquals(8, oct.get("U-A").reviewed());
        assertEquals(0.75, oct.get("U-A").precision(), 1e-12);
        assertEquals(7.5, oct.get("U-A").lift(), 1e-9, "0.75 against a control rate of 0.1");
        assertEquals(0.0, oct.get("U-B").precision(), 1e-12);
        assertEquals(0.0, oct.get("U-B").lift(), 1e-12);
        assertEquals(1.0, oct.get(ControlSample.RULE_ID).lift(), 1e-12);
        Map<String, Precision.Row> both = byRule(Precision.of(all, SEP, OCT));
        assertEquals(12, both.get("U-A").reviewed());
        assertEquals(0.5, both.get("U-A").precision(), 1e-12);
        Map<String, Precision.Row> sep = byRule(Precision.of(all, SEP, SEP));
        assertNull(sep.get("U-A").lift(), "no control item reviewed in September: no lift");
        assertEquals(0, sep.get(ControlSample.RULE_ID).reviewed(), "the control row is always there");
        assertNull(sep.get(ControlSample.RULE_ID).precision());
    }

    @Test
    void aControlSampleWithoutConfirmationsGivesNoLift() {
        List<Precision.Labelled> all = new ArrayList<>(labelled(OCT, "U-A", 3, 1));
        all.addAll(labelled(OCT, ControlSample.RULE_ID, 0, 20));
        assertNull(byRule(Precision.of(all, null, null)).get("U-A").lift(), "a rate of 0: lift would be infinite, so none");
    }

    @Test
    void theOutcomeOverridesTheHubsDecisionAndPendingDoesNot() {
        Map<String, Verdict.Finding> codes = Map.of("enforcement", Verdict.Finding.FOUND, "no_change", Verdict.Finding.NOT_FOUND,
                "in_progress", Verdict.Finding.PENDING);
        Verdict.Step confirmed = new Verdict.Step("confirmed", "facts_confirmed_by_registry");
        Verdict.Step proposed = new Verdict.Step("forward_proposed", null);
        Verdict.Step forwarded = new Verdict.Step("forwarded", null);
        assertNull(Verdict.of(List.of(), codes));
        assertNull(Verdict.of(List.of(new Verdict.Step("in_review", null)), codes));
        assertEquals(1, Verdict.of(List.of(confirmed), codes).value());
        assertEquals(0, Verdict.of(List.of(confirmed, new Verdict.Step("dismissed", "data_error")), codes).value());
        Verdict.Label pending = Verdict.of(List.of(confirmed, proposed, forwarded, new Verdict.Step("outcome", "in_progress")), codes);
        assertEquals(1, pending.value());
        assertEquals(Verdict.Label.HUB, pending.source(), "a pending outcome decides nothing");
        Verdict.Label none = Verdict.of(List.of(confirmed, proposed, forwarded, new Verdict.Step("outcome", "no_change")), codes);
        assertEquals(0, none.value(), "the partner found nothing: 0, whatever the hub decided");
        assertEquals(Verdict.Label.PARTNER, none.source());
        Verdict.Label later = Verdict.of(List.of(confirmed, proposed, forwarded, new Verdict.Step("outcome", "no_change"),
                new Verdict.Step("outcome", "enforcement")), codes);
        assertEquals(1, later.value(), "the latest outcome counts");
    }
}
