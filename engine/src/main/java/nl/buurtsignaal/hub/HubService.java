package nl.buurtsignaal.hub;

import nl.buurtsignaal.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.dossier.ControlSample;
import nl.buurtsignaal.dossier.Meldingen;
import nl.buurtsignaal.dossier.Precision;
import nl.buurtsignaal.dossier.Verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the hub can be asked, once for the JSON API and the pages alike: the queue, a signal in
 * words, decisions, labels, the access audit and the map. Answers come from memory (see
 * {@link HubData}); every list and view is recorded in audit.access by the caller's route.
 */
public final class HubService {
    /** The queue's filters; null means any. */
    public record Filter(LocalDate asOf, String ruleId, String gemeente, String wijk, String buurtCode, Integer severity,
                         String status, int limit, int offset, String sort) {
        public Filter(LocalDate asOf, String ruleId, String gemeente, String wijk, String buurtCode, Integer severity,
                      String status, int limit, int offset) {
            this(asOf, ruleId, gemeente, wijk, buurtCode, severity, status, limit, offset, null);
        }

        String describe() {
            Map<String, Object> f = new TreeMap<>();
            f.put("as_of", asOf);
            f.put("rule_id", ruleId);
            f.put("gemeente", gemeente);
            f.put("wijk", wijk);
            f.put("buurt_code", buurtCode);
            f.put("severity", severity);
            f.put("status", status);
            f.put("limit", limit);
            f.put("offset", offset);
            f.put("sort", sort);
            f.values().removeIf(java.util.Objects::isNull);
            return f.toString();
        }
    }

    private static final ObjectMapper JSON = Json.MAPPER;
    private final HubData data;
    private final Reviews reviews;
    private final HubSettings settings;
    private final EvidenceText evidence;
    private final JsonNode geometry;

    private final String defaultAreas;
    private final java.util.function.Function<String, JsonNode> areaGeometry;
    private final Map<String, JsonNode> geometries = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param geometry     the default classification's boundaries (the delivered CBS buurten)
     * @param defaultAreas the classification the map shows unless asked for another
     * @param areaGeometry another classification's boundaries by its name (read once each)
     */
    public HubService(HubData data, Reviews reviews, HubSettings settings, EvidenceText evidence, JsonNode geometry,
                      String defaultAreas, java.util.function.Function<String, JsonNode> areaGeometry) {
        this.data = data;
        this.reviews = reviews;
        this.settings = settings;
        this.evidence = evidence;
        this.geometry = geometry;
        this.defaultAreas = defaultAreas;
        this.areaGeometry = areaGeometry;
    }

    public static JsonNode geometry(EngineConfig config) {
        Path file = config.resolve(config.settings().referenceGeometry());
        try {
            return Files.isRegularFile(file) ? JSON.readTree(file.toFile()) : JSON.createObjectNode();
        } catch (IOException e) {
            throw new UncheckedIOException("neighbourhood boundaries cannot be read: " + file, e);
        }
    }

    public Map<String, Object> options() {
        HubData.Snapshot s = data.snapshot();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("as_of", s.asOfs().stream().map(LocalDate::toString).toList());
        out.put("rules", s.signals().stream().map(HubService::shownRule).distinct().sorted().toList());
        out.put("reason_codes", settings.reasonCodes());
        out.put("partners", settings.partners());
        out.put("statuses", List.of("new", "in_review", "confirmed", "dismissed", "forward_proposed", "forwarded", "forward_rejected",
                Verdict.OUTCOME));
        out.put("outcome_codes", settings.outcomeCodes().keySet());
        out.put("melding_sources", settings.meldingSources());
        out.put("deadlines", Map.of("first_status_days", settings.firstStatusDays(), "outcome_days", settings.outcomeDays()));
        out.put("reliability", Meldingen.RELIABILITY);
        out.put("credibility", Meldingen.CREDIBILITY);
        out.put("subject_types", Meldingen.SUBJECT_TYPES);
        Map<String, Map<String, Object>> gemeenten = new TreeMap<>();
        for (HubData.Buurt b : s.buurten().values()) {
            Map<String, Object> g = gemeenten.computeIfAbsent(b.gemeenteCode(), k -> new LinkedHashMap<>());
            g.put("name", b.gemeenteName());
            @SuppressWarnings("unchecked")
            Map<String, String> wijken = (Map<String, String>) g.computeIfAbsent("wijken", k -> new TreeMap<String, String>());
            wijken.put(b.wijkCode(), b.wijkName());
        }
        out.put("gemeenten", gemeenten);
        return out;
    }

    public LocalDate latestAsOf() {
        List<LocalDate> asOfs = data.snapshot().asOfs();
        return asOfs.isEmpty() ? null : asOfs.get(0);
    }

    /** The queue: the signals of one as_of that pass the filter, highest priority first, a page of them. */
    public Map<String, Object> list(Filter f) {
        HubData.Snapshot s = data.snapshot();
        LocalDate asOf = f.asOf() != null ? f.asOf() : latestAsOf();
        Map<String, String> statuses = reviews.statuses();
        Map<String, Integer> counts = new TreeMap<>();
        List<HubData.Signal> matching = new ArrayList<>();
        boolean latest = asOf != null && asOf.equals(latestAsOf());
        for (HubData.Signal sig : s.signals()) {
            // meldingen have no reference date of the engine: the latest date's queue holds them
            boolean dated = sig.isMelding() ? latest : sig.asOf().equals(asOf);
            if (!dated || (f.ruleId() != null && !f.ruleId().equals(shownRule(sig)))
                    || (f.buurtCode() != null && !f.buurtCode().equals(sig.buurtCode()))
                    || (f.severity() != null && f.severity() != sig.severity())) {
                continue;
            }
            HubData.Buurt b = sig.buurtCode() == null ? null : s.buurten().get(sig.buurtCode());
            if ((f.gemeente() != null && (b == null || !f.gemeente().equals(b.gemeenteCode())))
                    || (f.wijk() != null && (b == null || !f.wijk().equals(b.wijkCode())))) {
                continue;
            }
            String status = statuses.getOrDefault(sig.signalId(), "new");
            counts.merge(status, 1, Integer::sum);
            if (f.status() == null || f.status().equals(status)) {
                matching.add(sig);
            }
        }
        Comparator<HubData.Signal> order = Comparator.<HubData.Signal, Double>comparing(sig -> s.priorities().get(sig.signalId()),
                        Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(HubData.Signal::severity, Comparator.reverseOrder())
                .thenComparing(HubData.Signal::signalId);
        Map<String, Integer> dossierOpen = new HashMap<>();
        if ("dossier".equals(f.sort())) {
            matching.forEach(sig -> dossierOpen.put(sig.signalId(), openInDossier(sig, s, statuses)));
            order = Comparator.<HubData.Signal, Integer>comparing(sig -> dossierOpen.get(sig.signalId()), Comparator.reverseOrder())
                    .thenComparing(order);
        }
        matching.sort(order);
        List<Map<String, Object>> items = new ArrayList<>();
        for (HubData.Signal sig : matching.subList(Math.min(f.offset(), matching.size()),
                Math.min(f.offset() + f.limit(), matching.size()))) {
            Map<String, Object> item = item(sig, statuses.getOrDefault(sig.signalId(), "new"), s);
            item.put("dossier_open", dossierOpen.computeIfAbsent(sig.signalId(), k -> openInDossier(sig, s, statuses)));
            items.add(item);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("as_of", asOf == null ? null : asOf.toString());
        out.put("total", matching.size());
        out.put("counts", counts);
        out.put("items", items);
        return out;
    }

    private Map<String, Object> item(HubData.Signal sig, String status, HubData.Snapshot s) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("signal_id", sig.signalId());
        item.put("as_of", sig.asOf().toString());
        item.put("rule_id", shownRule(sig));
        item.put("subject_type", sig.subjectType());
        item.put("subject_id", sig.subjectId());
        item.put("address_id", sig.addressId());
        item.put("buurt_code", sig.buurtCode());
        item.put("severity", sig.severity());
        item.put("status", status);
        item.put("priority", s.priorities().get(sig.signalId()));
        HubData.Buurt b = sig.buurtCode() == null ? null : s.buurten().get(sig.buurtCode());
        item.put("buurt_name", b == null ? null : b.name());
        item.put("gemeente_name", b == null ? null : b.gemeenteName());
        List<LocalDate> seen = s.asOfsBySubject().getOrDefault(sig.subjectKey(), List.of());
        item.put("consecutive", consecutive(s.asOfs(), seen, sig.asOf()));
        return item;
    }

    /**
     * How many reference dates in a row, ending at this one, raised the same rule for the same
     * subject ("third month in a row" is 3), counting the lake's reference dates.
     */
    static int consecutive(List<LocalDate> allNewestFirst, List<LocalDate> seen, LocalDate asOf) {
        int n = 0;
        for (LocalDate d : allNewestFirst) {
            if (d.isAfter(asOf)) {
                continue;
            }
            if (!seen.contains(d)) {
                break;
            }
            n++;
        }
        return n;
    }

    /** A signal in full: its item, evidence and facts in words, its neighbourhood, its history; null when unknown. */
    public Map<String, Object> view(String signalId) {
        HubData.Snapshot s = data.snapshot();
        HubData.Signal sig = s.byId().get(signalId);
        if (sig == null) {
            return null;
        }
        Map<String, Object> out = item(sig, reviews.status(signalId), s);
        JsonNode ev = sig.isMelding() ? meldingEvidence(s.meldingen().get(signalId)) : EvidenceText.parse(sig.evidence());
        out.put("evidence", ev);
        out.put("facts", evidence.render(shownRule(sig), ev));
        out.put("earlier_as_of", s.asOfsBySubject().getOrDefault(sig.subjectKey(), List.of()).stream()
                .filter(d -> d.isBefore(sig.asOf())).map(LocalDate::toString).toList());
        Map<String, Object> buurt = new LinkedHashMap<>();
        HubData.Buurt b = sig.buurtCode() == null ? null : s.buurten().get(sig.buurtCode());
        buurt.put("code", sig.buurtCode());
        buurt.put("name", b == null ? null : b.name());
        buurt.put("wijk", b == null ? null : b.wijkName());
        buurt.put("gemeente", b == null ? null : b.gemeenteName());
        List<Map<String, Object>> themes = new ArrayList<>();
        for (HubData.Score score : s.scores(sig.asOf(), sig.buurtCode())) {
            if (!score.in(defaultAreas, true)) {
                continue; // a signal's buurt is its delivered CBS code: the default classification's scores
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("theme", score.theme());
            t.put("score", round(score.score()));
            t.put("rank", score.rank());
            t.put("flagged", score.flagged());
            t.put("contributions", score.contributions().stream().limit(3)
                    .map(c -> Map.of("indicator_id", c.indicatorId(), "contribution", round(c.contribution()))).toList());
            themes.add(t);
        }
        buurt.put("scores", themes);
        out.put("buurt", buurt);
        out.put("history", reviews.history(signalId).stream().map(HubService::event).toList());
        return out;
    }

    /** The rule a reviewer sees: a control item is an address check (blind), every other signal its rule. */
    static String shownRule(HubData.Signal sig) {
        return sig.isControl() ? ControlSample.BLIND_RULE_ID : sig.ruleId();
    }

    private static JsonNode meldingEvidence(HubData.Melding m) {
        com.fasterxml.jackson.databind.node.ObjectNode ev = JSON.createObjectNode();
        if (m != null) {
            ev.put("melding_id", m.meldingId());
            ev.put("source", m.source());
            ev.put("reliability", m.reliability());
            ev.put("credibility", m.credibility());
            ev.put("observed_on", m.observedOn().toString());
            ev.put("registered_by", m.registeredBy());
            ev.put("received_on", m.receivedAt().atZone(java.time.ZoneOffset.UTC).toLocalDate().toString());
            ev.put("text", m.text());
        }
        return ev;
    }

    /** Statuses of a signal that still waits for the hub or a partner: it counts as open in a dossier. */
    static final java.util.Set<String> OPEN = java.util.Set.of("new", "in_review", "confirmed", "forward_proposed");

    /** A subject's open signals: its signals of the latest reference date and its meldingen whose status is open. */
    private List<HubData.Signal> openSignals(String subjectKey, HubData.Snapshot s, Map<String, String> statuses, LocalDate latest) {
        String[] parts = subjectKey.split("\\|", 2);
        List<HubData.Signal> open = new ArrayList<>();
        for (HubData.Signal sig : s.ofSubject(parts[0], parts[1])) {
            if ((sig.isMelding() || sig.asOf().equals(latest)) && OPEN.contains(statuses.getOrDefault(sig.signalId(), "new"))) {
                open.add(sig);
            }
        }
        return open;
    }

    /** How many other open signals the dossier of a signal's subject holds (within two links, as the dossier page cuts it). */
    private int openInDossier(HubData.Signal sig, HubData.Snapshot s, Map<String, String> statuses) {
        LocalDate latest = latestAsOf();
        int n = 0;
        for (String node : s.dossiers().network(sig.subjectType(), sig.subjectId(), settings.dossierMaxNodes()).nodes().keySet()) {
            for (HubData.Signal other : openSignals(node, s, statuses, latest)) {
                if (!other.signalId().equals(sig.signalId())) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * A subject's dossier (contract section 9): its facts with provenance, its signals over every
     * as_of and its meldingen, the links within two links and the signals on linked subjects, and
     * the network's nodes (persons as "person 1, 2 …"), each with its open signals; null when the
     * lake knows neither the subject nor a signal on it.
     */
    public Map<String, Object> dossier(String type, String id) {
        data.awaitDossiers(java.time.Duration.ofSeconds(60));
        HubData.Snapshot s = data.snapshot();
        Dossiers d = s.dossiers();
        List<HubData.Signal> own = s.ofSubject(type, id);
        if (own.isEmpty() && !d.knows(type, id)) {
            return null;
        }
        Map<String, String> statuses = reviews.statuses();
        LocalDate latest = latestAsOf();
        Dossiers.Network network = d.network(type, id, settings.dossierMaxNodes());
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> subject = new LinkedHashMap<>();
        subject.put("type", type);
        subject.put("id", id);
        String address = d.addressOf(type, id);
        String buurtCode = d.buurtOf(address);
        HubData.Buurt b = buurtCode == null ? null : s.buurten().get(buurtCode);
        subject.put("address_id", address);
        subject.put("buurt_code", buurtCode);
        subject.put("buurt_name", b == null ? null : b.name());
        subject.put("gemeente_name", b == null ? null : b.gemeenteName());
        out.put("subject", subject);
        out.put("as_of", d.asOf == null ? null : d.asOf.toString());
        out.put("facts", d.facts(type, id).stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("value", f.value());
            m.put("source", f.source());
            m.put("delivery", f.delivery());
            m.put("delivered_on", f.deliveredOn());
            return m;
        }).toList());
        out.put("signals", own.stream().map(sig -> item(sig, statuses.getOrDefault(sig.signalId(), "new"), s)).toList());
        out.put("meldingen", own.stream().filter(HubData.Signal::isMelding).map(sig -> {
            HubData.Melding m = s.meldingen().get(sig.signalId());
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("melding_id", m.meldingId());
            x.put("signal_id", m.signalId());
            x.put("received_at", m.receivedAt().toString());
            x.put("registered_by", m.registeredBy());
            x.put("source", m.source());
            x.put("reliability", m.reliability());
            x.put("credibility", m.credibility());
            x.put("observed_on", m.observedOn().toString());
            x.put("text", m.text());
            x.put("status", statuses.getOrDefault(sig.signalId(), "new"));
            return x;
        }).toList());
        out.put("links", network.links().stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from_type", l.fromType());
            m.put("from_id", l.fromId());
            m.put("to_type", l.toType());
            m.put("to_id", l.toId());
            m.put("link", l.link());
            m.put("since", l.since() == null ? null : l.since().toString());
            return m;
        }).toList());
        List<Map<String, Object>> linked = new ArrayList<>();
        List<Map<String, Object>> nodes = new ArrayList<>();
        int persons = 0;
        for (Map.Entry<String, Integer> node : network.nodes().entrySet()) {
            String[] parts = node.getKey().split("\\|", 2);
            List<HubData.Signal> open = openSignals(node.getKey(), s, statuses, latest);
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("type", parts[0]);
            n.put("id", parts[1]);
            n.put("label", parts[0].equals("person") ? "person " + (++persons) : parts[0] + " " + parts[1]);
            n.put("distance", node.getValue());
            n.put("open_signals", open.size());
            n.put("rules", open.stream().map(HubService::shownRule).distinct().sorted().toList());
            nodes.add(n);
            if (node.getValue() > 0) {
                s.ofSubject(parts[0], parts[1]).forEach(sig -> linked.add(item(sig, statuses.getOrDefault(sig.signalId(), "new"), s)));
            }
        }
        out.put("linked_signals", linked);
        out.put("nodes", nodes);
        Map<String, Object> cut = new LinkedHashMap<>();
        cut.put("beyond_two_links", network.beyondTwoLinks());
        cut.put("omitted", network.omitted());
        cut.put("max_nodes", settings.dossierMaxNodes());
        out.put("cut", cut);
        return out;
    }

    /** Forwarded signals whose partner is late: no status within the first deadline, or no final outcome within the second. */
    public List<Map<String, Object>> overdue(java.time.Instant now) {
        HubData.Snapshot s = data.snapshot();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Reviews.Event first : reviews.all()) {
            if (first.basedOn() != null) {
                continue;
            }
            // each signal once (its first event), then its last forwarding and what followed it
            List<Reviews.Event> history = reviews.history(first.signalId());
            int at = -1;
            for (int i = 0; i < history.size(); i++) {
                if (history.get(i).status().equals("forwarded")) {
                    at = i;
                }
            }
            if (at < 0) {
                continue;
            }
            Reviews.Event forwarded = history.get(at);
            List<Reviews.Event> after = history.subList(at + 1, history.size());
            boolean anyStatus = after.stream().anyMatch(e -> e.status().equals(Verdict.OUTCOME));
            boolean finalOutcome = after.stream().anyMatch(e -> e.status().equals(Verdict.OUTCOME)
                    && settings.outcomeCodes().get(e.reasonCode()) != Verdict.Finding.PENDING);
            java.time.Instant statusDue = forwarded.decidedAt().plus(java.time.Duration.ofDays(settings.firstStatusDays()));
            java.time.Instant outcomeDue = forwarded.decidedAt().plus(java.time.Duration.ofDays(settings.outcomeDays()));
            String kind = null;
            java.time.Instant due = null;
            if (!finalOutcome && now.isAfter(outcomeDue)) {
                kind = "outcome";
                due = outcomeDue;
            } else if (!anyStatus && now.isAfter(statusDue)) {
                kind = "status";
                due = statusDue;
            }
            if (kind != null) {
                HubData.Signal sig = s.byId().get(forwarded.signalId());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("signal_id", forwarded.signalId());
                m.put("forwarded_at", forwarded.decidedAt().toString());
                m.put("due", due.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString());
                m.put("kind", kind);
                m.put("partner", forwarded.partner());
                m.put("rule_id", sig == null ? null : shownRule(sig));
                m.put("days_late", java.time.Duration.between(due, now).toDays());
                out.add(m);
            }
        }
        out.sort(Comparator.comparing(m -> (String) m.get("due")));
        return out;
    }

    /** gold.rule_precision's rows for as_of dates from..to (either open), computed now from the hub's labels. */
    public List<Map<String, Object>> precision(LocalDate from, LocalDate to) {
        HubData.Snapshot s = data.snapshot();
        List<Precision.Labelled> labelled = new ArrayList<>();
        for (Reviews.Labelled l : reviews.labels()) {
            HubData.Signal sig = s.byId().get(l.event().signalId());
            if (sig != null) {
                labelled.add(new Precision.Labelled(sig.asOf(), sig.ruleId(), l.label().value()));
            }
        }
        // open ends by default: a melding's date is the day it came in, after the latest reference date
        List<Map<String, Object>> out = new ArrayList<>();
        for (Precision.Row r : Precision.of(labelled, from, to)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from_as_of", r.fromAsOf() == null ? null : r.fromAsOf().toString());
            m.put("to_as_of", r.toAsOf() == null ? null : r.toAsOf().toString());
            m.put("rule_id", r.ruleId());
            m.put("reviewed", r.reviewed());
            m.put("confirmed", r.confirmed());
            m.put("dismissed", r.dismissed());
            m.put("precision", r.precision());
            m.put("precision_low", r.low());
            m.put("precision_high", r.high());
            m.put("lift", r.lift());
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> event(Reviews.Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_id", e.eventId());
        m.put("signal_id", e.signalId());
        m.put("status", e.status());
        m.put("reviewer", e.reviewer());
        m.put("role", e.role());
        m.put("decided_at", e.decidedAt().toString());
        boolean outcome = Verdict.OUTCOME.equals(e.status());
        m.put("reason_code", outcome ? null : e.reasonCode());
        m.put("outcome_code", outcome ? e.reasonCode() : null);
        m.put("partner", e.partner());
        m.put("based_on", e.basedOn());
        m.put("note", e.note());
        return m;
    }

    /** Subjects of a type whose id starts with the given digits (at most 20): for the melding form. */
    public List<String> search(String type, String prefix) {
        data.awaitDossiers(java.time.Duration.ofSeconds(60));
        return data.snapshot().dossiers().search(type, prefix, 20);
    }

    /** Whether a signal is a control item (forwarded only once confirmed). */
    public boolean isControl(String signalId) {
        HubData.Signal sig = data.snapshot().byId().get(signalId);
        return sig != null && sig.isControl();
    }

    public boolean exists(String signalId) {
        return data.snapshot().byId().containsKey(signalId);
    }

    /**
     * The label of every decided signal: the partner's outcome where one is recorded, else the
     * hub's final decision (contract section 9); {@code label} 1 or 0, and where it came from.
     */
    public List<Map<String, Object>> labels() {
        HubData.Snapshot s = data.snapshot();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Reviews.Labelled l : reviews.labels()) {
            Reviews.Event e = l.event();
            HubData.Signal sig = s.byId().get(e.signalId());
            boolean outcome = Verdict.OUTCOME.equals(e.status());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("signal_id", e.signalId());
            m.put("as_of", sig == null ? null : sig.asOf().toString());
            m.put("rule_id", sig == null ? null : sig.ruleId());
            m.put("status", e.status());
            m.put("reason_code", outcome ? null : e.reasonCode());
            m.put("outcome_code", outcome ? e.reasonCode() : null);
            m.put("label", l.label().value());
            m.put("label_source", l.label().source());
            m.put("decided_at", e.decidedAt().toString());
            out.add(m);
        }
        out.sort(Comparator.comparing(m -> (String) m.get("decided_at")));
        return out;
    }

    /** Every decision, for the auditor: with the signal's rule, CONTROL named as such (the auditor's view is not blind). */
    public List<Map<String, Object>> reviewLog() {
        HubData.Snapshot s = data.snapshot();
        return reviews.all().stream().map(e -> {
            Map<String, Object> m = event(e);
            HubData.Signal sig = s.byId().get(e.signalId());
            m.put("rule_id", sig == null ? null : sig.ruleId());
            m.put("control", sig != null && sig.isControl());
            return m;
        }).toList();
    }

    public static List<Map<String, Object>> access(List<AccessLog.Entry> entries) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AccessLog.Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", e.at().toString());
            m.put("user", e.user());
            m.put("role", e.role());
            m.put("action", e.action());
            m.put("signal_id", e.signalId());
            m.put("detail", e.detail());
            out.add(m);
        }
        return out;
    }

    /** The neighbourhoods of the lake coloured by one theme's score (never a dot per address), in the default classification. */
    public Map<String, Object> map(String theme, LocalDate asOfOrNull) {
        return map(theme, asOfOrNull, null);
    }

    /**
     * The areas of one classification ({@code areasOrNull}: the default) coloured by one theme's
     * score. Signals are counted in the default classification's buurten only (a signal carries its
     * delivered CBS code); {@code classifications} lists those with scores on as_of, to choose from.
     */
    public Map<String, Object> map(String theme, LocalDate asOfOrNull, String areasOrNull) {
        HubData.Snapshot s = data.snapshot();
        LocalDate asOf = asOfOrNull != null ? asOfOrNull : latestAsOf();
        String areas = areasOrNull == null || areasOrNull.isBlank() ? defaultAreas : areasOrNull;
        boolean isDefault = areas.equals(defaultAreas);
        java.util.SortedSet<String> classifications = new java.util.TreeSet<>();
        s.scoresByAsOfAndBuurt().values().forEach(list -> list.stream().filter(x -> x.asOf().equals(asOf))
                .forEach(x -> classifications.add(x.areas() == null ? defaultAreas : x.areas())));
        classifications.add(defaultAreas);
        if (!classifications.contains(areas)) {
            throw new Refused(404, "no scores in classification " + areas + " on " + asOf + " (there are: "
                    + String.join(", ", classifications) + ")");
        }
        java.util.Collection<HubData.Buurt> areaList = isDefault ? s.buurten().values() : data.areas(areas).values();
        Map<String, Integer> signalsPerBuurt = new TreeMap<>();
        for (HubData.Signal sig : s.signals()) {
            if (sig.asOf().equals(asOf) && sig.buurtCode() != null) {
                signalsPerBuurt.merge(sig.buurtCode(), 1, Integer::sum);
            }
        }
        List<Map<String, Object>> buurten = new ArrayList<>();
        for (HubData.Buurt b : areaList) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", b.code());
            m.put("name", b.name());
            m.put("wijk", b.wijkName());
            m.put("gemeente", b.gemeenteName());
            HubData.Score score = s.scores(asOf, b.code()).stream().filter(x -> x.theme().equals(theme) && x.in(areas, isDefault))
                    .findFirst().orElse(null);
            m.put("score", score == null ? null : round(score.score()));
            m.put("rank", score == null ? null : score.rank());
            m.put("flagged", score != null && score.flagged());
            m.put("signals", isDefault ? signalsPerBuurt.getOrDefault(b.code(), 0) : null);
            buurten.add(m);
        }
        buurten.sort(Comparator.comparing(m -> (String) m.get("code")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("theme", theme);
        out.put("as_of", asOf == null ? null : asOf.toString());
        out.put("areas", areas);
        out.put("default_areas", defaultAreas);
        out.put("classifications", List.copyOf(classifications));
        out.put("buurten", buurten);
        out.put("geometry", isDefault ? geometry : geometries.computeIfAbsent(areas, areaGeometry));
        return out;
    }

    static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant() : Instant.parse(text);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
