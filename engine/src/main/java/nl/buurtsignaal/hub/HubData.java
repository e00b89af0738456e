package nl.buurtsignaal.hub;

import nl.buurtsignaal.dossier.ControlSample;
import nl.buurtsignaal.dossier.Meldingen;
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
    public static final Set<String> READS = reads();

    private static Set<String> reads() {
        Set<String> reads = new TreeSet<>(List.of(Tables.SIGNAL, Tables.BUURT_SCORE, Tables.SILVER_BUURT, Tables.SILVER_AREA,
                Tables.SIGNAL_PRIORITY, Tables.CONTROL_SAMPLE, Tables.HUB_MELDING));
        reads.addAll(Dossiers.READS);
        return java.util.Collections.unmodifiableSet(reads);
    }

    /** A registered melding (hub.melding). */
    public record Melding(String meldingId, java.time.Instant receivedAt, String registeredBy, String source, String reliability,
                          String credibility, String subjectType, String subjectId, LocalDate observedOn, String text) {
        public String signalId() {
            return Meldingen.signalId(meldingId);
        }
    }

    public record Signal(String signalId, LocalDate asOf, String ruleId, String subjectType, String subjectId,
                         String addressId, String buurtCode, int severity, String evidence) {
        String subjectKey() {
            return ruleId + "|" + subjectType + "|" + subjectId;
        }

        /** The dossier's key of the signal's subject. */
        String subject() {
            return Dossiers.key(subjectType, subjectId);
        }

        boolean isMelding() {
            return Meldingen.RULE_ID.equals(ruleId);
        }

        boolean isControl() {
            return ControlSample.RULE_ID.equals(ruleId);
        }
    }

    public record Buurt(String code, String name, String wijkCode, String wijkName, String gemeenteCode, String gemeenteName) {
    }

    public record Contribution(String indicatorId, double contribution) {
    }

    /** A score of an area of classification {@code areas} (null: a lake from before classifications, the default's). */
    public record Score(LocalDate asOf, String buurtCode, String theme, double score, int rank, boolean flagged,
                        List<Contribution> contributions, String areas) {
        public boolean in(String chosen, boolean isDefault) {
            return areas == null ? isDefault : areas.equals(chosen);
        }
    }

    /** One consistent view; replaced whole on refresh. */
    public record Snapshot(List<Signal> signals, Map<String, Signal> byId, List<LocalDate> asOfs,
                           Map<String, List<LocalDate>> asOfsBySubject, Map<String, Buurt> buurten,
                           Map<String, List<Score>> scoresByAsOfAndBuurt, Map<String, Double> priorities,
                           Map<String, List<Signal>> bySubject, Map<String, Melding> meldingen, Dossiers dossiers) {
        static Snapshot empty() {
            return new Snapshot(List.of(), Map.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                    Dossiers.EMPTY);
        }

        /** Every signal of a subject, over every as_of: rule signals, control items and meldingen. */
        public List<Signal> ofSubject(String subjectType, String subjectId) {
            return bySubject.getOrDefault(Dossiers.key(subjectType, subjectId), List.of());
        }

        public List<Score> scores(LocalDate asOf, String buurtCode) {
            return scoresByAsOfAndBuurt.getOrDefault(asOf + "|" + buurtCode, List.of());
        }
    }

    private final Lake lake;
    private final HubSettings settings;
    private final Map<String, Long> versions = new HashMap<>();
    /** The data files of each table the hub read: the proof that no care data is read. */
    private final Map<String, List<String>> files = new java.util.concurrent.ConcurrentHashMap<>();
    private final KernelReader reader;
    private volatile Snapshot snapshot = Snapshot.empty();
    /**
     * Reads the dossiers' index (links and registries: millions of rows in a large city) apart from
     * the queue's tables, so that the hub serves its queue before the dossiers are in memory; null
     * when they are read in line (the demo, a command).
     */
    private final java.util.concurrent.ExecutorService loader;
    private volatile java.util.concurrent.CompletableFuture<Void> dossiersRead = new java.util.concurrent.CompletableFuture<>();
    private long dossierGeneration;
    /** The reference date whose dossiers are in memory or being read. */
    private LocalDate dossiersAsOf;

    /** The hub's data, the dossiers read in line with the rest. */
    public HubData(Lake lake, HubSettings settings) {
        this(lake, settings, false);
    }

    /** The hub's data; with {@code background}, the dossiers' index is read on a thread of its own. */
    public HubData(Lake lake, HubSettings settings, boolean background) {
        this.lake = lake;
        this.settings = settings;
        this.reader = new KernelReader(lake.spark().sessionState().newHadoopConf());
        this.loader = background ? java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hub-dossiers");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Waits until the dossiers' index of the latest reference date is in memory, at most
     * {@code timeout}; throws {@link Refused} (503) past it.
     */
    public void awaitDossiers(java.time.Duration timeout) {
        try {
            dossiersRead.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new Refused(503, "the dossiers are still being read: try again in a moment");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(503, "the dossiers are still being read: try again in a moment");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the dossiers could not be read", e.getCause());
        }
    }

    /** Stops reading dossiers in the background. */
    public void close() {
        if (loader != null) {
            loader.shutdownNow();
        }
    }

    /**
     * A melding this hub registered: in the queue at once, without reading hub.melding again or
     * indexing every signal anew (only the maps that gain it are copied).
     */
    synchronized void registered(Melding m) {
        Snapshot s = snapshot;
        Signal sig = meldingSignal(m, s.dossiers());
        Map<String, Melding> meldingen = new HashMap<>(s.meldingen());
        meldingen.put(m.signalId(), m);
        List<Signal> signals = new ArrayList<>(s.signals());
        signals.add(sig);
        Map<String, Signal> byId = new HashMap<>(s.byId());
        byId.put(sig.signalId(), sig);
        Map<String, List<Signal>> bySubject = new HashMap<>(s.bySubject());
        List<Signal> ofSubject = new ArrayList<>(bySubject.getOrDefault(sig.subject(), List.of()));
        ofSubject.add(0, sig);
        bySubject.put(sig.subject(), ofSubject);
        versions.put(Tables.HUB_MELDING, lake.version(Tables.HUB_MELDING));
        snapshot = new Snapshot(List.copyOf(signals), byId, s.asOfs(), s.asOfsBySubject(), s.buurten(), s.scoresByAsOfAndBuurt(),
                s.priorities(), bySubject, meldingen, s.dossiers());
    }

    /** A melding as a signal of the queue: rule MELDING, the day it came in, the address and neighbourhood of its subject. */
    private static Signal meldingSignal(Melding m, Dossiers dossiers) {
        String address = dossiers.addressOf(m.subjectType(), m.subjectId());
        return new Signal(m.signalId(), m.receivedAt().atZone(java.time.ZoneOffset.UTC).toLocalDate(), Meldingen.RULE_ID,
                m.subjectType(), m.subjectId(), address, dossiers.buurtOf(address), 2, "{}");
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
        List<Signal> signals = changed(now, Tables.SIGNAL) || changed(now, Tables.CONTROL_SAMPLE)
                ? loadSignals() : old.signals().stream().filter(sig -> !sig.isMelding()).toList();
        Map<String, Melding> meldingen = changed(now, Tables.HUB_MELDING) ? loadMeldingen() : old.meldingen();
        LocalDate latest = signals.stream().filter(sig -> !sig.isControl()).map(Signal::asOf).max(LocalDate::compareTo).orElse(null);
        Dossiers dossiers = old.dossiers();
        if (Dossiers.READS.stream().anyMatch(t -> changed(now, t)) || !java.util.Objects.equals(latest, dossiersAsOf)) {
            dossiersAsOf = latest;
            Set<String> present = new TreeSet<>();
            now.forEach((table, version) -> {
                if (version >= 0) {
                    present.add(table);
                }
            });
            if (loader == null) {
                dossiers = Dossiers.load(this::read, present, latest, settings.transferMonths(), settings.enforcementMonths());
                dossiersRead.complete(null);
            } else {
                readDossiersInBackground(present, latest);
            }
        }
        Map<String, Buurt> buurten = changed(now, Tables.SILVER_BUURT) ? loadBuurten() : old.buurten();
        Map<String, List<Score>> scores = changed(now, Tables.BUURT_SCORE) ? loadScores() : old.scoresByAsOfAndBuurt();
        Map<String, Double> priorities = changed(now, Tables.SIGNAL_PRIORITY) ? loadPriorities() : old.priorities();
        versions.clear();
        versions.putAll(now);
        snapshot = index(signals, buurten, scores, priorities, meldingen, dossiers);
        return true;
    }

    /**
     * Reads the dossiers' index on the loader's thread and swaps it into the snapshot when done;
     * a newer read started meanwhile wins. Until the first is done, dossier requests wait.
     */
    private void readDossiersInBackground(Set<String> present, LocalDate latest) {
        long generation = ++dossierGeneration;
        // before the first index is in memory, dossier requests wait for it; later ones use the index they find
        java.util.concurrent.CompletableFuture<Void> first = dossiersRead;
        loader.submit(() -> {
            try {
                long started = System.nanoTime();
                Dossiers d = Dossiers.load(this::read, present, latest, settings.transferMonths(), settings.enforcementMonths());
                synchronized (this) {
                    if (generation == dossierGeneration) {
                        Snapshot s = snapshot;
                        snapshot = index(s.signals().stream().filter(sig -> !sig.isMelding()).toList(), s.buurten(),
                                s.scoresByAsOfAndBuurt(), s.priorities(), s.meldingen(), d);
                    }
                }
                if (!first.isDone()) {
                    System.err.printf(java.util.Locale.ROOT, "[hub] dossiers: %d links of %s in memory (%.1f s)%n", d.linkCount(),
                            latest, (System.nanoTime() - started) / 1e9);
                }
                first.complete(null);
            } catch (RuntimeException e) {
                System.err.println("hub: the dossiers could not be read, will try again: " + e.getClass().getSimpleName());
                synchronized (this) {
                    versions.remove(Tables.SUBJECT_LINK);
                    dossiersAsOf = null;
                }
            }
        });
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

    /**
     * gold.signal's rows and the control sample's items (rule CONTROL: an address, no evidence,
     * the lowest severity), one list.
     */
    private List<Signal> loadSignals() {
        List<Signal> signals = new ArrayList<>();
        if (lake.exists(Tables.CONTROL_SAMPLE)) {
            read(Tables.CONTROL_SAMPLE, List.of("signal_id", "as_of", "address_id", "buurt_code"), r -> signals.add(new Signal(
                    r.getString(0), LocalDate.ofEpochDay(r.getInt(1)), ControlSample.RULE_ID, "address", r.getString(2),
                    r.getString(2), text(r, 3), 1, "{}")));
        }
        if (lake.exists(Tables.SIGNAL)) {
            read(Tables.SIGNAL, List.of("signal_id", "as_of", "rule_id", "subject_type", "subject_id", "address_id",
                    "buurt_code", "severity", "evidence"), r -> signals.add(new Signal(r.getString(0),
                    LocalDate.ofEpochDay(r.getInt(1)), r.getString(2), r.getString(3), r.getString(4), text(r, 5), text(r, 6),
                    r.getInt(7), text(r, 8))));
        }
        return signals;
    }

    private Map<String, Melding> loadMeldingen() {
        Map<String, Melding> meldingen = new HashMap<>();
        if (lake.exists(Tables.HUB_MELDING)) {
            read(Tables.HUB_MELDING, List.of("melding_id", "received_at", "registered_by", "source", "reliability", "credibility",
                    "subject_type", "subject_id", "observed_on", "text"), r -> {
                Melding m = new Melding(r.getString(0), Reviews.micros(r.getLong(1)), r.getString(2), r.getString(3), r.getString(4),
                        r.getString(5), r.getString(6), r.getString(7), LocalDate.ofEpochDay(r.getInt(8)), r.getString(9));
                meldingen.put(m.signalId(), m);
            });
        }
        return meldingen;
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

    /**
     * The areas of one classification with their names (silver.area), by code; empty where the
     * lake has none of it. Read when asked: a small table, read for the map of another classification.
     */
    public Map<String, Buurt> areas(String areas) {
        Map<String, Buurt> out = new java.util.TreeMap<>();
        if (lake.exists(Tables.SILVER_AREA)) {
            reader.forEach(lake.location(Tables.SILVER_AREA), List.of("areas", "area_code", "area_name",
                    "wijk_code", "wijk_name", "gemeente_code", "gemeente_name"), r -> {
                if (areas.equals(r.getString(0))) {
                    out.put(r.getString(1), new Buurt(r.getString(1), text(r, 2), text(r, 3), text(r, 4), text(r, 5), text(r, 6)));
                }
            });
        }
        return out;
    }

    private Map<String, List<Score>> loadScores() {
        Map<String, List<Score>> scores = new HashMap<>();
        if (!lake.exists(Tables.BUURT_SCORE)) {
            return scores;
        }
        boolean areas = reader.columnNames(lake.location(Tables.BUURT_SCORE)).contains("areas");
        List<String> columns = new ArrayList<>(List.of("as_of", "buurt_code", "theme", "score", "rank", "flagged", "contributions"));
        if (areas) {
            columns.add("areas");
        }
        read(Tables.BUURT_SCORE, columns, r -> {
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
                    contributions, areas && !r.isNullAt(7) ? r.getString(7) : null);
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

    private static Snapshot index(List<Signal> ruleSignals, Map<String, Buurt> buurten, Map<String, List<Score>> scores,
                                  Map<String, Double> priorities, Map<String, Melding> meldingen, Dossiers dossiers) {
        List<Signal> signals = new ArrayList<>(ruleSignals);
        for (Melding m : meldingen.values()) {
            signals.add(meldingSignal(m, dossiers));
        }
        Map<String, Signal> byId = new HashMap<>();
        TreeSet<LocalDate> asOfs = new TreeSet<>(Collections.reverseOrder());
        Map<String, List<LocalDate>> asOfsBySubject = new HashMap<>();
        Map<String, List<Signal>> bySubject = new HashMap<>();
        for (Signal s : signals) {
            byId.put(s.signalId(), s);
            if (!s.isMelding()) {
                asOfs.add(s.asOf());
                asOfsBySubject.computeIfAbsent(s.subjectKey(), k -> new ArrayList<>()).add(s.asOf());
            }
            bySubject.computeIfAbsent(s.subject(), k -> new ArrayList<>()).add(s);
        }
        asOfsBySubject.values().forEach(Collections::sort);
        bySubject.values().forEach(l -> l.sort(java.util.Comparator.comparing(Signal::asOf).reversed().thenComparing(Signal::signalId)));
        return new Snapshot(List.copyOf(signals), byId, List.copyOf(asOfs), asOfsBySubject, buurten, scores, priorities, bySubject,
                meldingen, dossiers);
    }

    /** The tables' versions this snapshot was read at (for the hub's status line). */
    public synchronized Map<String, Long> versions() {
        return new LinkedHashMap<>(versions);
    }
}
