package nl.buurtsignaal.dossier;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a signal turned out to be, from its chain of review events (contract section 9): the
 * partner's outcome where one is recorded, else the hub's own final decision. The one owner of
 * this rule: the hub's labels, gold.rule_precision and the models' labels all ask here.
 */
public final class Verdict {
    /** The hub's own final decisions (contract section 7). */
    public static final Set<String> FINAL = Set.of("confirmed", "dismissed", "forwarded");
    public static final String OUTCOME = "outcome";

    /** What an outcome code says of the signal (configuration {@code hub.outcome_codes}). */
    public enum Finding { FOUND, NOT_FOUND, PENDING }

    /** One event as the verdict needs it: its status and its code (reason or outcome). */
    public record Step(String status, String code) {
    }

    /** A signal's label: 1 (confirmed by the hub or found by the partner) or 0, where it came from, and the deciding step. */
    public record Label(int value, String source, Step step) {
        public static final String HUB = "hub";
        public static final String PARTNER = "outcome";
    }

    private Verdict() {
    }

    /**
     * The label of a chain of events (oldest first), or null when it has none yet: the latest
     * outcome that found or found nothing overrides; else the latest confirmed, forwarded (1) or
     * dismissed (0).
     */
    public static Label of(List<Step> events, Map<String, Finding> outcomeCodes) {
        for (int i = events.size() - 1; i >= 0; i--) {
            Step e = events.get(i);
            if (OUTCOME.equals(e.status())) {
                Finding f = outcomeCodes.get(e.code());
                if (f == Finding.FOUND || f == Finding.NOT_FOUND) {
                    return new Label(f == Finding.FOUND ? 1 : 0, Label.PARTNER, e);
                }
            }
        }
        for (int i = events.size() - 1; i >= 0; i--) {
            Step e = events.get(i);
            if (FINAL.contains(e.status())) {
                return new Label(e.status().equals("dismissed") ? 0 : 1, Label.HUB, e);
            }
        }
        return null;
    }

    /** The configured outcome codes by finding: {@code hub.outcome_codes.found}, {@code .not_found}, {@code .pending}. */
    public static Map<String, Finding> outcomeCodes(nl.buurtsignaal.config.EngineConfig config) {
        Map<String, Finding> codes = new java.util.LinkedHashMap<>();
        for (Finding f : Finding.values()) {
            for (String code : config.settings().hub().outcomeCodes().getOrDefault(f.name().toLowerCase(java.util.Locale.ROOT), java.util.List.of())) {
                if (codes.put(code, f) != null) {
                    throw new nl.buurtsignaal.base.UsageException("setting hub.outcome_codes lists " + code + " twice");
                }
            }
        }
        return java.util.Collections.unmodifiableMap(codes);
    }
}
