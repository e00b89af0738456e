package nl.buurtsignaal.hub;

import nl.buurtsignaal.base.BsnMask;
import nl.buurtsignaal.dossier.Meldingen;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Registers meldingen (contract section 9): checked, then appended to hub.melding (append-only by
 * Delta), after which the melding is a signal in the queue. A person is never a melding's subject,
 * and a text that holds a number shaped like a BSN is refused: the hub keeps no typed identifier.
 */
final class MeldingDesk {
    /** What a user asks to register. */
    record Request(String source, String reliability, String credibility, String subjectType, String subjectId,
                   String observedOn, String text) {
    }

    private final Lake lake;
    private final HubData data;
    private final HubSettings settings;

    MeldingDesk(Lake lake, HubData data, HubSettings settings) {
        this.lake = lake;
        this.data = data;
        this.settings = settings;
    }

    /** Checks and records a melding; returns it. Throws {@link Refused} (400) naming what is wrong. */
    synchronized HubData.Melding register(String user, Role role, Request r) {
        if (role != Role.REVIEWER && role != Role.COORDINATOR) {
            throw new Refused(403, "your role may not register meldingen");
        }
        if (r.source() == null || !settings.meldingSources().contains(r.source())) {
            throw new Refused(400, "unknown source: one of " + settings.meldingSources());
        }
        if (r.reliability() == null || !Meldingen.RELIABILITY.contains(r.reliability())) {
            throw new Refused(400, "reliability is a grade A, B, C or D (the source's reliability)");
        }
        if (r.credibility() == null || !Meldingen.CREDIBILITY.contains(r.credibility())) {
            throw new Refused(400, "credibility is a grade 1, 2, 3 or 4 (the information's credibility)");
        }
        if (r.subjectType() == null || !Meldingen.SUBJECT_TYPES.contains(r.subjectType())) {
            throw new Refused(400, "subject_type is address, object or company: a person is never registered by an identifier");
        }
        data.awaitDossiers(java.time.Duration.ofSeconds(60));
        if (r.subjectId() == null || !data.snapshot().dossiers().knows(r.subjectType(), r.subjectId())) {
            throw new Refused(400, "no " + r.subjectType() + " with this id in the lake: pick the subject from the lake");
        }
        LocalDate observed;
        try {
            observed = LocalDate.parse(r.observedOn() == null ? "" : r.observedOn());
        } catch (DateTimeParseException e) {
            throw new Refused(400, "observed_on is a date (YYYY-MM-DD)");
        }
        if (observed.isAfter(LocalDate.now(java.time.ZoneOffset.UTC))) {
            throw new Refused(400, "observed_on lies in the future");
        }
        String text = r.text() == null ? "" : r.text().strip();
        if (text.isEmpty() || text.length() > Meldingen.MAX_TEXT) {
            throw new Refused(400, "text is 1 to " + Meldingen.MAX_TEXT + " characters");
        }
        if (BsnMask.holdsBsnShape(text)) {
            throw new Refused(400, "the text holds a number shaped like a BSN (nine digits): describe the situation without it, "
                    + "the hub keeps no BSN");
        }
        HubData.Melding m = new HubData.Melding(UUID.randomUUID().toString().replace("-", "").substring(0, 16), Instant.now(),
                user, r.source(), r.reliability(), r.credibility(), r.subjectType(), r.subjectId(), observed, text);
        Row row = RowFactory.create(m.meldingId(), Timestamp.from(m.receivedAt()), m.registeredBy(), m.source(), m.reliability(),
                m.credibility(), m.subjectType(), m.subjectId(), Date.valueOf(m.observedOn()), m.text());
        lake.createIfMissing(Tables.HUB_MELDING, Meldingen.SCHEMA, Reviews.APPEND_ONLY);
        lake.append(Tables.HUB_MELDING, lake.spark().createDataFrame(List.of(row), Meldingen.SCHEMA).coalesce(1));
        data.registered(m);
        return m;
    }

    static Map<String, Object> answer(HubData.Melding m) {
        return Map.of("melding_id", m.meldingId(), "signal_id", m.signalId());
    }
}
