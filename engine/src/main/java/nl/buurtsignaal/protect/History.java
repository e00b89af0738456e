package nl.buurtsignaal.protect;

import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.lake.Lake;

import java.util.List;

/** Delta history: removed rows stay in older table versions until VACUUM deletes their files. */
final class History {
    /** Delta's own safety minimum; a shorter period is allowed only when configured on purpose. */
    static final double DELTA_DEFAULT_HOURS = 168;

    private History() {
    }

    /** VACUUM: deletes the files no table version of the last {@code hours} hours needs. */
    static void vacuum(Lake lake, List<String> tables, double hours, Progress progress) {
        if (tables.isEmpty()) {
            return;
        }
        // A period shorter than Delta's minimum is allowed for this VACUUM only, as configured.
        String check = "spark.databricks.delta.retentionDurationCheck.enabled";
        String before = lake.spark().conf().get(check, "true");
        if (hours < DELTA_DEFAULT_HOURS) {
            lake.spark().conf().set(check, "false");
        }
        try {
            for (String table : tables) {
                // Delta prints what VACUUM deleted on the console (Scala's Console.out, standard output
                // by default); standard output carries results only, so it goes with the progress lines.
                scala.Console.withOut(System.err, () -> lake.deltaTable(table).vacuum(hours));
            }
        } finally {
            lake.spark().conf().set(check, before);
        }
        progress.info("history older than " + hours + " hours removed from " + tables.size() + " tables (VACUUM)");
    }
}
