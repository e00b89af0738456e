package nl.buurtsignaal.hub;

import nl.buurtsignaal.dossier.Verdict;
import nl.buurtsignaal.lake.KernelReader;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The hub's decisions: hub.review, an append-only chain of events per signal (contract section 7).
 * Every rule of deciding is here, once: which role may record which status, the codes a status
 * needs, four eyes on forwarding, and the answer for a decision made on a stale view (409). Each
 * decision is one Delta commit (an append; no event is ever changed). One hub process decides for
 * a lake: decisions are serialised here, and the engine's commands write other tables.
 *
 * <p>hub.review is append-only by Delta itself ({@code delta.appendOnly}): no update, delete,
 * merge or overwrite of a decision is accepted by the table, whoever tries. A note is free text
 * and may have to be erased (a person named in it), so it is kept apart, in hub.review_note
 * (event_id, note), which erase may redact; hub.review's own note column stays empty from then on.
 */
public final class Reviews {
    public static final StructType SCHEMA = new StructType()
            .add("event_id", DataTypes.StringType, false)
            .add("signal_id", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("reviewer", DataTypes.StringType, false)
            .add("role", DataTypes.StringType, false)
            .add("decided_at", DataTypes.TimestampType, false)
            .add("reason_code", DataTypes.StringType, true)
            .add("partner", DataTypes.StringType, true)
            .add("based_on", DataTypes.StringType, true)
            .add("note", DataTypes.StringType, true);

    public static final Set<String> STATUSES = Set.of("in_review", "confirmed", "dismissed", "forward_proposed",
            "forwarded", "forward_rejected", Verdict.OUTCOME);
    static final int MAX_NOTE = 2_000;
    /** Delta table properties of the hub's tables: a checkpoint every 500 commits rather than 10. */
    static final Map<String, String> CHECKPOINTS = Map.of("delta.checkpointInterval", "500");
    /** hub.review's properties: a long checkpoint interval, and append-only by Delta. */
    static final Map<String, String> APPEND_ONLY = Map.of("delta.checkpointInterval", "500", "delta.appendOnly", "true");
    public static final StructType NOTE_SCHEMA = new StructType()
            .add("event_id", DataTypes.StringType, false)
            .add("note", DataTypes.StringType, false);

    public record Event(String eventId, String signalId, String status, String reviewer, String role, Instant decidedAt,
                        String reasonCode, String partner, String basedOn, String note) {
    }

    /** A decision asked for; {@code outcomeCode} only with status outcome (kept in hub.review's reason_code). */
    public record Decision(String status, String reasonCode, String partner, String note, String basedOn, String outcomeCode) {
        public Decision(String status, String reasonCode, String partner, String note, String basedOn) {
            this(status, reasonCode, partner, note, basedOn, null);
        }
    }

    /** A signal's label (contract section 9) and the event that decided it. */
    public record Labelled(Event event, Verdict.Label label) {
    }

    private final Lake lake;
    private final HubSettings settings;
    private final KernelReader reader;
    private final Map<String, List<Event>> bySignal = new HashMap<>();
    private long version = -2;
    private long notesVersion = -2;

    public Reviews(Lake lake, HubSettings settings) {
        this.lake = lake;
        this.settings = settings;
        this.reader = new KernelReader(lake.spark().sessionState().newHadoopConf());
    }

    /** A Delta timestamp: microseconds since the epoch. */
    static Instant micros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    static String text(io.delta.kernel.data.Row r, int i) {
        return r.isNullAt(i) ? null : r.getString(i);
    }

    /** Reloads hub.review when another process changed it (erase redacts notes). */
    public synchronized void refresh() {
        long now = lake.exists(Tables.HUB_REVIEW) ? lake.version(Tables.HUB_REVIEW) : -1;
        long notes = lake.exists(Tables.HUB_REVIEW_NOTE) ? lake.version(Tables.HUB_REVIEW_NOTE) : -1;
        if (now == version && notes == notesVersion) {
            return;
        }
        bySignal.clear();
        Map<String, String> noteOf = new HashMap<>();
        if (notes >= 0) {
            reader.forEach(lake.location(Tables.HUB_REVIEW_NOTE), List.of("event_id", "note"), r -> noteOf.put(r.getString(0), r.getString(1)));
        }
        if (now >= 0) {
            // Delta Kernel: the events read in this process, no Spark job
            reader.forEach(lake.location(Tables.HUB_REVIEW), List.of("event_id", "signal_id", "status", "reviewer", "role",
                    "decided_at", "reason_code", "partner", "based_on", "note"), r -> {
                String id = r.getString(0);
                Event e = new Event(id, r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                        micros(r.getLong(5)), text(r, 6), text(r, 7), text(r, 8), noteOf.getOrDefault(id, text(r, 9)));
                bySignal.computeIfAbsent(e.signalId(), k -> new ArrayList<>()).add(e);
            });
            bySignal.values().forEach(Reviews::chain);
        }
        version = now;
        notesVersion = notes;
    }

    /** Orders one signal's events along their chain: the first has no based_on, each next follows it. */
    private static void chain(List<Event> events) {
        Map<String, Event> byParent = new HashMap<>();
        events.forEach(e -> byParent.put(e.basedOn() == null ? "" : e.basedOn(), e));
        List<Event> ordered = new ArrayList<>();
        for (Event e = byParent.get(""); e != null && ordered.size() < events.size(); e = byParent.get(e.eventId())) {
            ordered.add(e);
        }
        if (ordered.size() == events.size()) {
            events.clear();
            events.addAll(ordered);
        } else {
            events.sort(java.util.Comparator.comparing(Event::decidedAt));
        }
    }

    public synchronized List<Event> history(String signalId) {
        return List.copyOf(bySignal.getOrDefault(signalId, List.of()));
    }

    /** The latest event's status, or {@code new} when the signal has none. */
    public synchronized String status(String signalId) {
        List<Event> events = bySignal.get(signalId);
        return events == null || events.isEmpty() ? "new" : events.get(events.size() - 1).status();
    }

    public synchronized Map<String, String> statuses() {
        Map<String, String> out = new HashMap<>();
        bySignal.forEach((id, events) -> out.put(id, events.get(events.size() - 1).status()));
        return out;
    }

    /** The label of each signal that has one: the partner's outcome where recorded, else the hub's final decision ({@link Verdict}). */
    public synchronized List<Labelled> labels() {
        List<Labelled> out = new ArrayList<>();
        for (List<Event> events : bySignal.values()) {
            List<Verdict.Step> steps = events.stream().map(e -> new Verdict.Step(e.status(), e.reasonCode())).toList();
            Verdict.Label label = Verdict.of(steps, settings.outcomeCodes());
            if (label != null) {
                out.add(new Labelled(events.get(steps.lastIndexOf(label.step())), label));
            }
        }
        return out;
    }

    public synchronized List<Event> all() {
        List<Event> out = new ArrayList<>();
        bySignal.values().forEach(out::addAll);
        out.sort(java.util.Comparator.comparing(Event::decidedAt));
        return out;
    }

    /**
     * Records a decision, checked against the rules; returns the new event. Throws {@link Refused}:
     * 400 for an unknown status, code or partner; 403 for a role that may not, or for approving
     * one's own proposal; 409 when {@code basedOn} is not the signal's latest event.
     */
    public synchronized Event decide(String signalId, String user, Role role, Decision d) {
        return decide(signalId, user, role, d, false);
    }

    /**
     * As {@link #decide(String, String, Role, Decision)}; a signal that must be {@code confirmFirst}
     * (a control item) is forwarded only after it was confirmed.
     */
    public synchronized Event decide(String signalId, String user, Role role, Decision d, boolean confirmFirst) {
        return decide(signalId, user, role, d, confirmFirst, Instant.now());
    }

    /** As the others, at a given time: the demo's history of decisions, weeks old. */
    synchronized Event decide(String signalId, String user, Role role, Decision d, boolean confirmFirst, Instant at) {
        if (d.status() == null || !STATUSES.contains(d.status())) {
            throw new Refused(400, "unknown status: one of " + new java.util.TreeSet<>(STATUSES));
        }
        if (role != Role.REVIEWER && role != Role.COORDINATOR) {
            throw new Refused(403, "your role may not decide on signals");
        }
        if (d.note() != null && d.note().length() > MAX_NOTE) {
            throw new Refused(400, "a note has at most " + MAX_NOTE + " characters");
        }
        List<Event> events = bySignal.getOrDefault(signalId, List.of());
        Event latest = events.isEmpty() ? null : events.get(events.size() - 1);
        String reasonCode = null;
        String partner = null;
        switch (d.status()) {
            case "confirmed", "dismissed" -> {
                if (d.reasonCode() == null || !settings.reasonCodes().get(d.status()).contains(d.reasonCode())) {
                    throw new Refused(400, d.status() + " needs a reason_code, one of " + settings.reasonCodes().get(d.status()));
                }
                reasonCode = d.reasonCode();
            }
            case "forward_proposed" -> {
                if (confirmFirst && events.stream().noneMatch(e -> e.status().equals("confirmed"))) {
                    throw new Refused(400, "confirm this signal before proposing to forward it");
                }
                if (d.partner() == null || !settings.partners().contains(d.partner())) {
                    throw new Refused(400, "forward_proposed needs a partner, one of " + settings.partners());
                }
                partner = d.partner();
            }
            case "forwarded", "forward_rejected" -> {
                if (role != Role.COORDINATOR) {
                    throw new Refused(403, "only a coordinator approves or rejects a forwarding");
                }
                if (latest == null || !latest.status().equals("forward_proposed")) {
                    throw new Refused(409, "there is no forwarding proposal to decide on");
                }
                if (latest.reviewer().equals(user)) {
                    throw new Refused(403, "a forwarding is approved or rejected by someone other than its proposer");
                }
                partner = latest.partner();
            }
            case Verdict.OUTCOME -> {
                if (events.stream().noneMatch(e -> e.status().equals("forwarded"))) {
                    throw new Refused(400, "an outcome is recorded only for a forwarded signal");
                }
                if (d.outcomeCode() == null || !settings.outcomeCodes().containsKey(d.outcomeCode())) {
                    throw new Refused(400, "outcome needs an outcome_code, one of " + settings.outcomeCodes().keySet());
                }
                reasonCode = d.outcomeCode();
                partner = events.stream().filter(e -> e.status().equals("forwarded")).reduce((a, b) -> b).map(Event::partner).orElse(null);
            }
            default -> {
            }
        }
        String latestId = latest == null ? null : latest.eventId();
        if (!java.util.Objects.equals(latestId, d.basedOn())) {
            throw new Refused(409, "someone decided on this signal meanwhile: reload it and decide again");
        }
        Event event = new Event("ev-" + UUID.randomUUID(), signalId, d.status(), user, role.id(), at,
                reasonCode, partner, latestId, d.note() == null || d.note().isBlank() ? null : d.note().strip());
        Row row = RowFactory.create(event.eventId(), event.signalId(), event.status(), event.reviewer(), event.role(),
                Timestamp.from(event.decidedAt()), event.reasonCode(), event.partner(), event.basedOn(), null);
        // The note first: a decision whose note was not written is not recorded (the caller may try again).
        if (event.note() != null) {
            lake.createIfMissing(Tables.HUB_REVIEW_NOTE, NOTE_SCHEMA, CHECKPOINTS);
            lake.append(Tables.HUB_REVIEW_NOTE, lake.spark().createDataFrame(List.of(RowFactory.create(event.eventId(), event.note())),
                    NOTE_SCHEMA).coalesce(1));
            notesVersion = lake.version(Tables.HUB_REVIEW_NOTE);
        }
        // Delta: one append per decision, the only writer of hub.review in this lake.
        lake.createIfMissing(Tables.HUB_REVIEW, SCHEMA, APPEND_ONLY);
        lake.append(Tables.HUB_REVIEW, lake.spark().createDataFrame(List.of(row), SCHEMA).coalesce(1));
        version = lake.version(Tables.HUB_REVIEW);
        bySignal.computeIfAbsent(signalId, k -> new ArrayList<>()).add(event);
        return event;
    }
}
