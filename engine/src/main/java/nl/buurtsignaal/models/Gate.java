package nl.buurtsignaal.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The promotion gate on evidence: a version is promotable when the 95 % interval of its AUC-PR
 * minus the rules' severity's lies wholly above the margin of its model file ({@code gate.margin};
 * 0 means better beyond the test set's chance). A difference whose interval reaches the margin is
 * not evidence, however large its point estimate.
 */
public record Gate(boolean promotable, double margin, Bootstrap.Interval difference, String reason) {

    public static Gate decide(Bootstrap.Interval difference, double margin) {
        boolean promotable = difference.lower() > margin;
        String interval = String.format(Locale.ROOT, "[%+.3f, %+.3f]", difference.lower(), difference.upper());
        String reason = promotable
                ? String.format(Locale.ROOT, "promotable: the 95 %% interval of AUC-PR minus the rules' severity's, %s, lies above the margin %.3f",
                interval, margin)
                : String.format(Locale.ROOT, "NOT promotable: the 95 %% interval of AUC-PR minus the rules' severity's, %s, does not lie above the margin %.3f"
                        + " (promote --accept-flag REASON to override, recorded)", interval, margin);
        return new Gate(promotable, margin, difference, reason);
    }

    /** As the registry records it (ml.model.metrics, key "gate"). */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", "the 95 % interval of auc_pr - auc_pr_baseline lies above the margin");
        m.put("margin", margin);
        m.put("difference", List.of(difference.lower(), difference.upper()));
        m.put("promotable", promotable);
        m.put("reason", reason);
        return m;
    }
}
