package nl.buurtsignaal.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nl.buurtsignaal.config.EngineConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
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
                         String status, int limit, int offset) {
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
            f.values().removeIf(java.util.Objects::isNull);
            return f.toString();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HubData data;
    private final Reviews reviews;
    private final HubSettings settings;
    private final EvidenceText evidence;
    private final JsonNode geometry;

    public HubService(HubData data, Reviews reviews, HubSettings settings, EvidenceText evidence, JsonNode geometry) {
        this.data = data;
        this.reviews = reviews;
        this.settings = settings;
        this.evidence = evidence;
        this.geometry = geometry;
    }

    public static JsonNode geometry(EngineConfig config) {
        Path file = config.path("reference_geometry", "reference/buurten.geojson");
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
        out.put("rules", s.signals().stream().map(HubData.Signal::ruleId).distinct().sorted().toList());
        out.put("reason_codes", settings.reasonCodes());
        out.put("partners", settings.partners());
        out.put("statuses", List.of("new", "in_review", "confirmed", "dismissed", "forward_proposed", "forwarded", "forward_rejected"));
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
        for (HubData.Signal sig : s.signals()) {
            if (!sig.asOf().equals(asOf) || (f.ruleId() != null && !f.ruleId().equals(sig.ruleId()))
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
        matching.sort(Comparator.<HubData.Signal, Double>comparing(sig -> s.priorities().get(sig.signalId()),
                        Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(HubData.Signal::severity, Comparator.reverseOrder())
                .thenComparing(HubData.Signal::signalId));
        List<Map<String, Object>> items = new ArrayList<>();
        for (HubData.Signal sig : matching.subList(Math.min(f.offset(), matching.size()),
                Math.min(f.offset() + f.limit(), matching.size()))) {
            items.add(item(sig, statuses.getOrDefault(sig.signalId(), "new"), s));
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
        item.put("rule_id", sig.ruleId());
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
        JsonNode ev = EvidenceText.parse(sig.evidence());
        out.put("evidence", ev);
        out.put("facts", evidence.render(sig.ruleId(), ev));
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

    static Map<String, Object> event(Reviews.Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_id", e.eventId());
        m.put("signal_id", e.signalId());
        m.put("status", e.status());
        m.put("reviewer", e.reviewer());
        m.put("role", e.role());
        m.put("decided_at", e.decidedAt().toString());
        m.put("reason_code", e.reasonCode());
        m.put("partner", e.partner());
        m.put("based_on", e.basedOn());
        m.put("note", e.note());
        return m;
    }

    public boolean exists(String signalId) {
        return data.snapshot().byId().containsKey(signalId);
    }

    public List<Map<String, Object>> labels() {
        HubData.Snapshot s = data.snapshot();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Reviews.Event e : reviews.labels()) {
            HubData.Signal sig = s.byId().get(e.signalId());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("signal_id", e.signalId());
            m.put("as_of", sig == null ? null : sig.asOf().toString());
            m.put("rule_id", sig == null ? null : sig.ruleId());
            m.put("status", e.status());
            m.put("reason_code", e.reasonCode());
            m.put("decided_at", e.decidedAt().toString());
            out.add(m);
        }
        out.sort(Comparator.comparing(m -> (String) m.get("decided_at")));
        return out;
    }

    public List<Map<String, Object>> reviewLog() {
        return reviews.all().stream().map(HubService::event).toList();
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

    /** The neighbourhoods of the lake coloured by one theme's score (never a dot per address). */
    public Map<String, Object> map(String theme, LocalDate asOfOrNull) {
        HubData.Snapshot s = data.snapshot();
        LocalDate asOf = asOfOrNull != null ? asOfOrNull : latestAsOf();
        Map<String, Integer> signalsPerBuurt = new TreeMap<>();
        for (HubData.Signal sig : s.signals()) {
            if (sig.asOf().equals(asOf) && sig.buurtCode() != null) {
                signalsPerBuurt.merge(sig.buurtCode(), 1, Integer::sum);
            }
        }
        List<Map<String, Object>> buurten = new ArrayList<>();
        for (HubData.Buurt b : s.buurten().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", b.code());
            m.put("name", b.name());
            m.put("wijk", b.wijkName());
            m.put("gemeente", b.gemeenteName());
            HubData.Score score = s.scores(asOf, b.code()).stream().filter(x -> x.theme().equals(theme)).findFirst().orElse(null);
            m.put("score", score == null ? null : round(score.score()));
            m.put("rank", score == null ? null : score.rank());
            m.put("flagged", score != null && score.flagged());
            m.put("signals", signalsPerBuurt.getOrDefault(b.code(), 0));
            buurten.add(m);
        }
        buurten.sort(Comparator.comparing(m -> (String) m.get("code")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("theme", theme);
        out.put("as_of", asOf == null ? null : asOf.toString());
        out.put("buurten", buurten);
        out.put("geometry", geometry);
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
