package nl.buurtsignaal.hub;

import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.dossier.ControlSample;
import nl.buurtsignaal.lake.Lake;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The demo's casework, so that a newcomer sees the hub's dossiers at work on the first start:
 * meldingen on a linked cluster (a crowded dwelling with a company whose officer is a straw man),
 * decisions on signals and control items, forwarded signals with and without the partner's
 * outcome, one of them overdue. Every event goes through the hub's own rules (roles, four eyes,
 * codes); only its time is set weeks back. Never for a real lake: the demo's lake only.
 */
public final class HubDemo {
    private HubDemo() {
    }

    /** What the demo registered: meldingen and decisions. */
    public record Seeded(int meldingen, int decisions, String dossier) {
    }

    public static Seeded seed(Lake lake, EngineConfig config, String reviewer, String coordinator, Progress progress) {
        HubSettings settings = HubSettings.of(config);
        HubData data = new HubData(lake, settings);
        data.refresh();
        Reviews reviews = new Reviews(lake, settings);
        reviews.refresh();
        MeldingDesk desk = new MeldingDesk(lake, data, settings);
        HubData.Snapshot s = data.snapshot();
        if (s.asOfs().isEmpty()) {
            return new Seeded(0, 0, null);
        }
        LocalDate asOf = s.asOfs().get(0);
        List<HubData.Signal> latest = new ArrayList<>(s.signals().stream().filter(sig -> sig.asOf().equals(asOf) && !sig.isMelding())
                .sorted(Comparator.comparing(HubData.Signal::signalId)).toList());

        // the cluster: a straw man whose dossier holds a crowded dwelling with one of his companies
        String crowded = null;
        String studio = null;
        String strawman = null;
        for (HubData.Signal sig : latest) {
            if (!sig.ruleId().equals("U-PERSON-STRAWMAN")) {
                continue;
            }
            Dossiers.Network network = s.dossiers().network("person", sig.subjectId(), settings.dossierMaxNodes());
            for (Dossiers.Link l : network.links()) {
                if (l.link().equals("registered_at") && s.ofSubject("address", l.toId()).stream()
                        .anyMatch(x -> x.ruleId().equals("U-ADDR-OVERCROWDED"))) {
                    crowded = l.toId();
                    studio = l.fromId();
                    strawman = sig.subjectId();
                    break;
                }
            }
            if (crowded != null) {
                break;
            }
        }
        int meldingen = 0;
        if (crowded != null) {
            desk.register(reviewer, Role.REVIEWER, new MeldingDesk.Request("street", "B", "2", "address", crowded,
                    asOf.minusDays(12).toString(), "Wijkagent: on three evenings a van dropped off and picked up some ten workers at this "
                            + "dwelling; mattresses are stacked against the windows."));
            desk.register(reviewer, Role.REVIEWER, new MeldingDesk.Request("partner", "A", "2", "company", studio,
                    asOf.minusDays(20).toString(), "Toezicht: the nail studio registered here was closed at each of four visits "
                            + "during its opening hours; no equipment inside."));
            meldingen = 2;
        }
        List<HubData.Signal> cash = latest.stream().filter(sig -> sig.ruleId().equals("U-OBJ-CASH-COMPANY")).toList();
        if (!cash.isEmpty()) {
            desk.register(reviewer, Role.REVIEWER, new MeldingDesk.Request("citizen", "D", "3", "object", cash.get(0).subjectId(),
                    asOf.minusDays(5).toString(), "A neighbour reports the dwelling has stood empty since it was sold, while "
                            + "post for several names arrives there."));
            meldingen++;
        }

        Instant now = Instant.now();
        Demo d = new Demo(reviews, reviewer, coordinator, now);
        // forwarded signals: one with the partner's final outcome, one still pending, one overdue without any status
        List<HubData.Signal> forward = latest.stream().filter(sig -> !sig.isControl()
                && List.of("U-OBJ-CASH-COMPANY", "U-PERSON-STRAWMAN", "U-ADDR-OVERCROWDED").contains(sig.ruleId())).toList();
        if (forward.size() >= 3) {
            d.forward(forward.get(0), "belastingdienst", 40);
            d.at(forward.get(0), 25, Role.COORDINATOR, new Reviews.Decision("outcome", null, null, "Assessment opened.", null, "in_progress"));
            d.at(forward.get(0), 3, Role.COORDINATOR, new Reviews.Decision("outcome", null, null, null, null, "enforcement"));
            d.forward(forward.get(1), "riec", 36);
            d.at(forward.get(1), 9, Role.COORDINATOR, new Reviews.Decision("outcome", null, null, null, null, "no_change"));
            d.forward(forward.get(2), "omgevingsdienst", 33);
        }
        // reviewed signals of several rules, and some of the control sample (blind: reviewed as any address)
        int i = 0;
        for (HubData.Signal sig : latest) {
            boolean forwarded = forward.size() >= 3 && forward.subList(0, 3).contains(sig);
            if (sig.isControl() || forwarded || !reviews.status(sig.signalId()).equals("new")) {
                continue;
            }
            int n = i++;
            if (n % 3 == 0) {
                d.at(sig, 20 - n % 15, Role.REVIEWER, new Reviews.Decision("confirmed", "facts_confirmed_by_registry", null, null, null));
            } else if (n % 3 == 1) {
                d.at(sig, 20 - n % 15, Role.REVIEWER, new Reviews.Decision("dismissed", "legitimate_explanation", null, null, null));
            } else if (n % 6 == 2) {
                d.at(sig, 2, Role.REVIEWER, new Reviews.Decision("in_review", null, null, null, null));
            }
            if (i >= 24) {
                break;
            }
        }
        List<HubData.Signal> controls = latest.stream().filter(HubData.Signal::isControl).limit(8).toList();
        for (int c = 0; c < controls.size(); c++) {
            d.at(controls.get(c), 15 - c, Role.REVIEWER, c == 0
                    ? new Reviews.Decision("confirmed", "facts_confirmed_by_registry", null, null, null)
                    : new Reviews.Decision("dismissed", "insufficient_grounds", null, null, null));
        }
        progress.info("hub casework for the demo: " + meldingen + " meldingen, " + d.count + " decisions"
                + (crowded == null ? "" : "; a linked cluster around address " + crowded));
        return new Seeded(meldingen, d.count, crowded == null ? null : "address/" + crowded);
    }

    /** Decisions at times relative to now, each following the signal's latest event. */
    private static final class Demo {
        final Reviews reviews;
        final String reviewer;
        final String coordinator;
        final Instant now;
        int count;

        Demo(Reviews reviews, String reviewer, String coordinator, Instant now) {
            this.reviewer = reviewer;
            this.reviews = reviews;
            this.coordinator = coordinator;
            this.now = now;
        }

        void at(HubData.Signal sig, int daysAgo, Role role, Reviews.Decision d) {
            List<Reviews.Event> history = reviews.history(sig.signalId());
            String latest = history.isEmpty() ? null : history.get(history.size() - 1).eventId();
            Reviews.Decision based = new Reviews.Decision(d.status(), d.reasonCode(), d.partner(), d.note(), latest, d.outcomeCode());
            reviews.decide(sig.signalId(), role == Role.COORDINATOR ? coordinator : reviewer, role, based,
                    ControlSample.RULE_ID.equals(sig.ruleId()), now.minus(Duration.ofDays(daysAgo)).minusSeconds(600L - count));
            count++;
        }

        void forward(HubData.Signal sig, String partner, int daysAgo) {
            at(sig, daysAgo + 2, Role.REVIEWER, new Reviews.Decision("confirmed", "facts_confirmed_by_registry", null, null, null));
            at(sig, daysAgo + 1, Role.REVIEWER, new Reviews.Decision("forward_proposed", null, partner, null, null));
            at(sig, daysAgo, Role.COORDINATOR, new Reviews.Decision("forwarded", null, null, null, null));
        }
    }
}
