package nl.buurtsignaal.publish;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.models.ModelSpec;
import nl.buurtsignaal.models.Registry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A version's figures in its model card (template model_card.jte), from hand-made registry rows:
 * one trained before calibration was introduced (its deciles in a line) and one promoted by
 * accepting a flag; the card's text is pinned where a slip of the template would show.
 */
class ModelCardVersionTest {
    private static final EngineConfig CONFIG = EngineConfig.load(Path.of("conf"), null, List.of());

    private static Registry.Version version(int number, String metrics, String params, String promotedBy, String accepted) {
        return new Registry.Version("signal_priority", number, "priority", "logistic_regression", params, List.of(), "label",
                "{silver.address=3}", metrics, "{\"flagged\":[\"age_band\"]}", false, "production", "analyst",
                Timestamp.valueOf("2026-11-01 10:00:00"), promotedBy, accepted, "/models/x");
    }

    @Test
    void anOldVersionShowsItsDecilesAndAnAcceptedFlag() {
        String metrics = "{\"auc_pr\":0.5,\"auc_pr_baseline\":0.25,\"precision_at_k\":0.6,\"precision_at_k_baseline\":0.4,\"k\":25,"
                + "\"n_train\":100,\"positives_train\":20,\"n_test\":50,\"base_rate_test\":0.2,\"cutoff\":\"2026-05-01\","
                + "\"calibration\":[{\"decile\":1,\"mean_predicted\":0.1,\"observed\":0.05},{\"decile\":2,\"mean_predicted\":0.3,\"observed\":0.25}]}";
        ModelSpec spec = ModelSpec.load(CONFIG, "signal_priority");
        String card = ModelCards.card(spec, CONFIG, List.of(version(3, metrics, "{\"chosen\":{\"regParam\":0.1}}", "coordinator", "group small")));
        assertTrue(card.contains("""
                ### Version 3 (production)

                Trained by analyst at 2026-11-01 10:00:00.0; promoted by coordinator accepting: group small. Tables read (Delta versions): `{silver.address=3}`.

                | figure | model | rules' severity alone | difference |
                | --- | --- | --- | --- |
                | AUC-PR (average precision, tied scores one step) | 0.500 | 0.250 | +0.250 |
                | precision in the top 25 (expected over the orders of tied cases) | 0.600 | 0.400 | +0.200 |

                100 training cases (20 positive), 50 test cases (base rate 0.200), cutoff 2026-05-01; promotable: no.

                Calibration (deciles of the class-weighted score, before calibration was introduced): 1: 0.10→0.05; 2: 0.30→0.25;\s

                Parameters chosen: `{"regParam":0.1}`; explanation: ``.

                Fairness flags: age_band.
                """), card);
    }

    @Test
    void aCalibratedVersionShowsItsBinsAndItsFormula() {
        String metrics = "{\"auc_pr\":0.5,\"auc_pr_baseline\":0.25,\"precision_at_k\":0.6,\"precision_at_k_baseline\":0.4,\"k\":25,"
                + "\"intervals\":{\"auc_pr\":[0.4,0.6],\"auc_pr_difference\":[0.1,0.3],\"counted\":999,\"resamples\":1000,\"seed\":7},"
                + "\"gate\":{\"reason\":\"promotable\"},\"labels_learned_from\":{\"hub\":4,\"outcome\":2},"
                + "\"calibration\":[{\"bin\":1,\"n\":30,\"mean_predicted\":0.1,\"observed\":0.2,\"observed_interval\":[0.1,0.35]}]}";
        String params = "{\"calibrator\":{\"a\":1.25,\"b\":-0.5,\"fitted_on\":61}}";
        ModelSpec spec = ModelSpec.load(CONFIG, "signal_priority");
        String card = ModelCards.card(spec, CONFIG, List.of(version(4, metrics, params, null, null)));
        assertTrue(card.contains("| AUC-PR (average precision, tied scores one step) | 0.500 [0.400, 0.600] | 0.250 | +0.250 [+0.100, +0.300] |"), card);
        assertTrue(card.contains("""
                95 % intervals in brackets: 999 of 1000 paired bootstrap resamples (seed 7) held a positive case. Gate: promotable.
                """), card);
        assertTrue(card.contains("Labels learned from: 4 hub decisions, 2 partner outcomes after forwarding.\n\n"), card);
        assertTrue(card.contains("""
                | 1 | 30 | 0.100 | 0.200 [0.100, 0.350] |

                Probability = 1 / (1 + exp(−(1.2500 · logit(score) − 0.5000))), fitted on 61 test cases.

                Parameters chosen: ``;"""), card);
    }
}
