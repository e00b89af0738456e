package nl.buurtsignaal.dossier;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.col;

/**
 * gold.rule_precision, written by {@code run}: {@link Precision} per rule for each as_of of the
 * lake and for all of them together, from the labels of hub.review ({@link Verdict}). The hub
 * answers {@code GET /api/precision} for any period with the same two classes, from what it holds.
 */
public final class RulePrecision {
    public static final StructType SCHEMA = new StructType()
            .add("from_as_of", DataTypes.DateType, false)
            .add("to_as_of", DataTypes.DateType, false)
            .add("rule_id", DataTypes.StringType, false)
            .add("reviewed", DataTypes.LongType, false)
            .add("confirmed", DataTypes.LongType, false)
            .add("dismissed", DataTypes.LongType, false)
            .add("precision", DataTypes.DoubleType, true)
            .add("precision_low", DataTypes.DoubleType, true)
            .add("precision_high", DataTypes.DoubleType, true)
            .add("lift", DataTypes.DoubleType, true);

    private RulePrecision() {
    }

    /** The labelled signals of the lake: rule signals, control items and meldingen with a verdict. */
    public static List<Precision.Labelled> labelled(Lake lake, EngineConfig config) {
        if (!lake.exists(Tables.HUB_REVIEW)) {
            return List.of();
        }
        Map<String, Verdict.Finding> codes = Verdict.outcomeCodes(config);
        Map<String, List<Verdict.Step>> chains = new HashMap<>();
        for (Row r : lake.read(Tables.HUB_REVIEW).select("signal_id", "status", "reason_code", "decided_at")
                .orderBy(col("decided_at"), col("event_id")).collectAsList()) {
            chains.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new Verdict.Step(r.getString(1), r.getString(2)));
        }
        Map<String, Object[]> signals = new HashMap<>();
        if (lake.exists(Tables.SIGNAL)) {
            // only the signals the hub decided on reach the driver: gold.signal grows with every date, hub.review with the hub's work
            lake.read(Tables.SIGNAL).select("signal_id", "as_of", "rule_id")
                    .join(lake.read(Tables.HUB_REVIEW).select("signal_id"), "signal_id", "left_semi").collectAsList()
                    .forEach(r -> signals.put(r.getString(0), new Object[] {r.getDate(1).toLocalDate(), r.getString(2)}));
        }
        if (lake.exists(Tables.CONTROL_SAMPLE)) {
            lake.read(Tables.CONTROL_SAMPLE).select("signal_id", "as_of").collectAsList()
                    .forEach(r -> signals.put(r.getString(0), new Object[] {r.getDate(1).toLocalDate(), ControlSample.RULE_ID}));
        }
        if (lake.exists(Tables.HUB_MELDING)) {
            lake.read(Tables.HUB_MELDING).select("melding_id", "received_at").collectAsList()
                    .forEach(r -> signals.put(Meldingen.signalId(r.getString(0)), new Object[] {
                            r.getTimestamp(1).toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate(), Meldingen.RULE_ID}));
        }
        List<Precision.Labelled> out = new ArrayList<>();
        chains.forEach((id, steps) -> {
            Object[] s = signals.get(id);
            Verdict.Label label = Verdict.of(steps, codes);
            if (s != null && label != null) {
                out.add(new Precision.Labelled((LocalDate) s[0], (String) s[1], label.value()));
            }
        });
        return out;
    }

    /** The table's rows: each as_of of the lake's signals alone, and all of them together. */
    public static Dataset<Row> rows(Lake lake, EngineConfig config) {
        List<Precision.Labelled> labelled = labelled(lake, config);
        TreeSet<LocalDate> asOfs = new TreeSet<>();
        if (lake.exists(Tables.SIGNAL)) {
            lake.read(Tables.SIGNAL).select("as_of").distinct().collectAsList().forEach(r -> asOfs.add(r.getDate(0).toLocalDate()));
        }
        List<Row> rows = new ArrayList<>();
        for (LocalDate d : asOfs) {
            Precision.of(labelled, d, d).forEach(p -> rows.add(row(p)));
        }
        if (asOfs.size() > 1) {
            Precision.of(labelled, asOfs.first(), asOfs.last()).forEach(p -> rows.add(row(p)));
        }
        return lake.spark().createDataFrame(rows, SCHEMA).coalesce(1);
    }

    private static Row row(Precision.Row p) {
        return RowFactory.create(Date.valueOf(p.fromAsOf()), Date.valueOf(p.toAsOf()), p.ruleId(), p.reviewed(), p.confirmed(),
                p.dismissed(), p.precision(), p.low(), p.high(), p.lift());
    }
}
