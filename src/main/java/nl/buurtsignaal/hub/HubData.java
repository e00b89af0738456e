package nl.buurtsignaal.hub;

import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * What the hub shows, held in memory: the signals, the neighbourhoods with their theme scores, and
 * the models' priorities. Requests are answered from here, never by a Spark job; {@link #refresh}
 * reloads a table when its Delta version changed (a new {@code run}), so new results appear without
 * a restart. The hub reads only the tables of {@link #READS}: no care data (contract section 4).
 */
public final class HubData {
    /** Every table the hub reads gold and silver data from (purpose binding: no care data among them). */
    public static final Set<String> READS = Set.of(Tables.SIGNAL, Tables.BUURT_SCORE, Tables.SILVER_BUURT,
            Tables.SIGNAL_PRIORITY);

    public record Signal(String signalId, LocalDate asOf, String ruleId, String subjectType, String subjectId,
                         String addressId, String buurtCode, int severity, String evidence) {
        String subjectKey() {
            return ruleId + "|" + subjectType + "|" + subjectId;
        }
    }

    public record Buurt(String code, String name, String wijkCode, String wijkName, String gemeenteCode, String gemeenteName) {
    }

    public record Contribution(String indicatorId, double contribution) {
    }

    public record Score(LocalDate asOf, String buurtCode, String theme, double score, int rank, boolean flagged,
                        List<Contribution> contributions) {
    }

    /** One consistent view; replaced whole on refresh. */
    public record Snapshot(List<Signal> signals, Map<String, Signal> byId, List<LocalDate> asOfs,
                           Map<String, List<LocalDate>> asOfsBySubject, Map<String, Buurt> buurten,
                           Map<String, List<Score>> scoresByAsOfAndBuurt, Map<String, Double> priorities) {
        static Snapshot empty() {
            return new Snapshot(List.of(), Map.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of());
        }

        public List<Score> scores(LocalDate asOf, String buurtCode) {
            return scoresByAsOfAndBuurt.getOrDefault(asOf + "|" + buurtCode, List.of());
        }
    }

    private final Lake lake;
    private final Map<String, Long> versions = new HashMap<>();
    /** The input files every read of the hub touched: the proof that no care data is read. */
    private final Set<String> filesRead = new ConcurrentSkipListSet<>();
    private volatile Snapshot snapshot = Snapshot.empty();

    public HubData(Lake lake) {
        this.lake = lake;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public Set<String> filesRead() {
        return Collections.unmodifiableSet(filesRead);
    }

    /** Reloads when a table the hub reads has a new version; returns whether anything changed. */
    public synchronized boolean refresh() {
        Map<String, Long> now = new HashMap<>();
        for (String table : READS) {
            now.put(table, lake.exists(table) ? lake.version(table) : -1L);
        }
        if (now.equals(versions)) {
            return false;
        }
        Snapshot old = snapshot;
        List<Signal> signals = changed(now, Tables.SIGNAL) ? loadSignals() : old.signals();
        Map<String, Buurt> buurten = changed(now, Tables.SILVER_BUURT) ? loadBuurten() : old.buurten();
        Map<String, List<Score>> scores = changed(now, Tables.BUURT_SCORE) ? loadScores() : old.scoresByAsOfAndBuurt();
        Map<String, Double> priorities = changed(now, Tables.SIGNAL_PRIORITY) ? loadPriorities() : old.priorities();
        versions.clear();
        versions.putAll(now);
        snapshot = index(signals, buurten, scores, priorities);
        return true;
    }

    private boolean changed(Map<String, Long> now, String table) {
        return !now.get(table).equals(versions.get(table));
    }

    private Dataset<Row> read(String table, String... columns) {
        if (!READS.contains(table)) {
            throw new IllegalStateException("the hub does not read " + table);
        }
        Dataset<Row> rows = lake.read(table).selectExpr(columns);
        filesRead.addAll(List.of(rows.inputFiles()));
        return rows;
    }

    private List<Signal> loadSignals() {
        if (!lake.exists(Tables.SIGNAL)) {
            return List.of();
        }
        List<Signal> signals = new ArrayList<>();
        for (Row r : read(Tables.SIGNAL, "signal_id", "as_of", "rule_id", "subject_type", "subject_id", "address_id",
                "buurt_code", "severity", "evidence").collectAsList()) {
            signals.add(new Signal(r.getString(0), r.getDate(1).toLocalDate(), r.getString(2), r.getString(3), r.getString(4),
                    r.getString(5), r.getString(6), r.getInt(7), r.getString(8)));
        }
        return signals;
    }

    private Map<String, Buurt> loadBuurten() {
        Map<String, Buurt> buurten = new HashMap<>();
        if (lake.exists(Tables.SILVER_BUURT)) {
            for (Row r : read(Tables.SILVER_BUURT, "buurt_code", "buurt_name", "wijk_code", "wijk_name", "gemeente_code",
                    "gemeente_name").collectAsList()) {
                buurten.put(r.getString(0), new Buurt(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
                        r.getString(4), r.getString(5)));
            }
        }
        return buurten;
    }

    private Map<String, List<Score>> loadScores() {
        Map<String, List<Score>> scores = new HashMap<>();
        if (!lake.exists(Tables.BUURT_SCORE)) {
            return scores;
        }
        for (Row r : read(Tables.BUURT_SCORE, "as_of", "buurt_code", "theme", "score", "rank", "flagged", "contributions")
                .collectAsList()) {
            List<Contribution> contributions = new ArrayList<>();
            List<Row> list = r.isNullAt(6) ? List.of() : r.getList(6);
            for (Row c : list) {
                contributions.add(new Contribution(c.getString(0), c.isNullAt(1) ? 0 : c.getDouble(1)));
            }
            Score s = new Score(r.getDate(0).toLocalDate(), r.getString(1), r.getString(2), r.isNullAt(3) ? 0 : r.getDouble(3),
                    r.isNullAt(4) ? 0 : r.getInt(4), !r.isNullAt(5) && r.getBoolean(5), contributions);
            scores.computeIfAbsent(s.asOf() + "|" + s.buurtCode(), k -> new ArrayList<>()).add(s);
        }
        return scores;
    }

    /** The highest probability any production model gave a signal (gold.signal_priority), if any. */
    private Map<String, Double> loadPriorities() {
        Map<String, Double> priorities = new HashMap<>();
        if (lake.exists(Tables.SIGNAL_PRIORITY)) {
            for (Row r : read(Tables.SIGNAL_PRIORITY, "signal_id", "probability").collectAsList()) {
                if (!r.isNullAt(1)) {
                    priorities.merge(r.getString(0), r.getDouble(1), Math::max);
                }
            }
        }
        return priorities;
    }

    private static Snapshot index(List<Signal> signals, Map<String, Buurt> buurten, Map<String, List<Score>> scores,
                                  Map<String, Double> priorities) {
        Map<String, Signal> byId = new HashMap<>();
        TreeSet<LocalDate> asOfs = new TreeSet<>(Collections.reverseOrder());
        Map<String, List<LocalDate>> bySubject = new HashMap<>();
        for (Signal s : signals) {
            byId.put(s.signalId(), s);
            asOfs.add(s.asOf());
            bySubject.computeIfAbsent(s.subjectKey(), k -> new ArrayList<>()).add(s.asOf());
        }
        bySubject.values().forEach(Collections::sort);
        return new Snapshot(List.copyOf(signals), byId, List.copyOf(asOfs), bySubject, buurten, scores, priorities);
    }

    /** The tables' versions this snapshot was read at (for the hub's status line). */
    public synchronized Map<String, Long> versions() {
        return new LinkedHashMap<>(versions);
    }
}
