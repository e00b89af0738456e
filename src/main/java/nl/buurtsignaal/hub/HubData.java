package nl.buurtsignaal.hub;

import nl.buurtsignaal.lake.KernelReader;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the hub shows, held in memory: the signals, the neighbourhoods with their theme scores, and
 * the models' priorities, read with Delta Kernel (no Spark job). Requests are answered from here; {@link #refresh}
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
    /** The data files of each table the hub read: the proof that no care data is read. */
    private final Map<String, List<String>> files = new java.util.concurrent.ConcurrentHashMap<>();
    private final KernelReader reader;
    private volatile Snapshot snapshot = Snapshot.empty();

    public HubData(Lake lake) {
        this.lake = lake;
        this.reader = new KernelReader(lake.spark().sessionState().newHadoopConf());
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** The data files the hub read, of every table. */
    public Set<String> filesRead() {
        Set<String> all = new TreeSet<>();
        files.values().forEach(all::addAll);
        return all;
    }

    /** The tables the hub has read. */
    public Set<String> tablesRead() {
        return new TreeSet<>(files.keySet());
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

    /** Calls {@code each} with the rows of a declared table, read with Delta Kernel; keeps the files read. */
    private void read(String table, List<String> columns, java.util.function.Consumer<io.delta.kernel.data.Row> each) {
        if (!READS.contains(table)) {
            throw new IllegalStateException("the hub does not read " + table);
        }
        KernelReader.Read read = reader.forEach(lake.location(table), columns, each);
        files.put(table, read.files());
    }

    private List<Signal> loadSignals() {
        List<Signal> signals = new ArrayList<>();
        if (lake.exists(Tables.SIGNAL)) {
            read(Tables.SIGNAL, List.of("signal_id", "as_of", "rule_id", "subject_type", "subject_id", "address_id",
                    "buurt_code", "severity", "evidence"), r -> signals.add(new Signal(r.getString(0),
                    LocalDate.ofEpochDay(r.getInt(1)), r.getString(2), r.getString(3), r.getString(4), text(r, 5), text(r, 6),
                    r.getInt(7), text(r, 8))));
        }
        return signals;
    }

    private Map<String, Buurt> loadBuurten() {
        Map<String, Buurt> buurten = new HashMap<>();
        if (lake.exists(Tables.SILVER_BUURT)) {
            read(Tables.SILVER_BUURT, List.of("buurt_code", "buurt_name", "wijk_code", "wijk_name", "gemeente_code",
                    "gemeente_name"), r -> buurten.put(r.getString(0), new Buurt(r.getString(0), text(r, 1), text(r, 2),
                    text(r, 3), text(r, 4), text(r, 5))));
        }
        return buurten;
    }

    private Map<String, List<Score>> loadScores() {
        Map<String, List<Score>> scores = new HashMap<>();
        if (!lake.exists(Tables.BUURT_SCORE)) {
            return scores;
        }
        read(Tables.BUURT_SCORE, List.of("as_of", "buurt_code", "theme", "score", "rank", "flagged", "contributions"), r -> {
            List<Contribution> contributions = new ArrayList<>();
            if (!r.isNullAt(6)) {
                io.delta.kernel.data.ColumnVector items = r.getArray(6).getElements();
                for (int i = 0; i < items.getSize(); i++) {
                    contributions.add(new Contribution(items.getChild(0).getString(i),
                            items.getChild(1).isNullAt(i) ? 0 : items.getChild(1).getDouble(i)));
                }
            }
            Score score = new Score(LocalDate.ofEpochDay(r.getInt(0)), r.getString(1), r.getString(2),
                    r.isNullAt(3) ? 0 : r.getDouble(3), r.isNullAt(4) ? 0 : r.getInt(4), !r.isNullAt(5) && r.getBoolean(5),
                    contributions);
            scores.computeIfAbsent(score.asOf() + "|" + score.buurtCode(), k -> new ArrayList<>()).add(score);
        });
        return scores;
    }

    /** The highest probability any production model gave a signal (gold.signal_priority), if any. */
    private Map<String, Double> loadPriorities() {
        Map<String, Double> priorities = new HashMap<>();
        if (lake.exists(Tables.SIGNAL_PRIORITY)) {
            read(Tables.SIGNAL_PRIORITY, List.of("signal_id", "probability"), r -> {
                if (!r.isNullAt(1)) {
                    priorities.merge(r.getString(0), r.getDouble(1), Math::max);
                }
            });
        }
        return priorities;
    }

    private static String text(io.delta.kernel.data.Row r, int i) {
        return r.isNullAt(i) ? null : r.getString(i);
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
