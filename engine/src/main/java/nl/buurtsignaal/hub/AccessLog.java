package nl.buurtsignaal.hub;

import nl.buurtsignaal.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nl.buurtsignaal.lake.KernelReader;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * audit.access (contract section 7): every login, list and view of a signal, who and when. A
 * request must not wait for a Delta commit, and no entry may be lost: each entry is first written
 * to a journal ({@link AccessJournal}: a file forced to disk, or a file in the lake's store), then {@link #flush} moves the journal's entries into
 * audit.access in one commit (every second, and when the hub stops). A journal left by a hub that
 * died is flushed when the next one starts.
 */
public final class AccessLog {
    public static final StructType SCHEMA = new StructType()
            .add("at", DataTypes.TimestampType, false)
            .add("user", DataTypes.StringType, true)
            .add("role", DataTypes.StringType, true)
            .add("action", DataTypes.StringType, false)
            .add("signal_id", DataTypes.StringType, true)
            .add("detail", DataTypes.StringType, true);

    public record Entry(Instant at, String user, String role, String action, String signalId, String detail) {
    }

    private static final ObjectMapper JSON = Json.MAPPER;
    private final Lake lake;
    private final AccessJournal journal;
    private final List<Entry> entries = new ArrayList<>();

    /** The access log of a service ({@code hub}, {@code serve}): one of each per lake, each with a journal of its own. */
    public AccessLog(Lake lake, String service, nl.buurtsignaal.config.Settings.Leases leases) {
        this.lake = lake;
        this.journal = AccessJournal.of(lake, service, leases);
    }

    /**
     * Opens the journal, locked (one hub per lake: a second one is refused before it touches the
     * first one's journal), loads the entries in audit.access, and commits a journal left behind.
     */
    public synchronized void open() {
        journal.open();
        if (lake.exists(Tables.AUDIT_ACCESS)) {
            new KernelReader(lake.spark().sessionState().newHadoopConf()).forEach(lake.location(Tables.AUDIT_ACCESS),
                    List.of("at", "user", "role", "action", "signal_id", "detail"), r -> entries.add(new Entry(
                            Reviews.micros(r.getLong(0)), Reviews.text(r, 1), Reviews.text(r, 2), r.getString(3),
                            Reviews.text(r, 4), Reviews.text(r, 5))));
            entries.sort(java.util.Comparator.comparing(Entry::at));
        }
        AccessJournal.Pending left = journal.pending();
        List<Entry> leftEntries = parse(left.lines());
        if (!leftEntries.isEmpty()) {
            commit(leftEntries);
            entries.addAll(leftEntries);
        }
        left.forgetThem();
    }

    /** Records one access: on disk (or in the lake's store) before this returns. */
    public synchronized void record(String user, Role role, String action, String signalId, String detail) {
        Entry e = new Entry(Instant.now(), user, role == null ? null : role.id(), action, signalId, detail);
        ObjectNode line = JSON.createObjectNode();
        line.put("at", e.at().toString());
        line.put("user", e.user());
        line.put("role", e.role());
        line.put("action", e.action());
        line.put("signal_id", e.signalId());
        line.put("detail", e.detail());
        journal.append(line.toString());
        entries.add(e);
    }

    /** Moves the journal's entries into audit.access (one commit), then empties the journal. */
    public synchronized void flush() {
        AccessJournal.Pending pending = journal.pending();
        List<Entry> parsed = parse(pending.lines());
        if (parsed.isEmpty()) {
            return;
        }
        commit(parsed);
        pending.forgetThem();
    }

    public synchronized void close() {
        flush();
        journal.close();
    }

    /** Entries between two instants (either may be null), oldest first. */
    public synchronized List<Entry> between(Instant from, Instant to) {
        return entries.stream().filter(e -> (from == null || !e.at().isBefore(from)) && (to == null || e.at().isBefore(to)))
                .toList();
    }

    private void commit(List<Entry> pending) {
        List<Row> rows = new ArrayList<>();
        for (Entry e : pending) {
            rows.add(RowFactory.create(Timestamp.from(e.at()), e.user(), e.role(), e.action(), e.signalId(), e.detail()));
        }
        lake.createIfMissing(Tables.AUDIT_ACCESS, SCHEMA, Reviews.APPEND_ONLY);
        lake.append(Tables.AUDIT_ACCESS, lake.spark().createDataFrame(rows, SCHEMA).coalesce(1));
    }

    private static List<Entry> parse(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                continue; // a line cut short by a crash mid-write
            }
            out.add(new Entry(Instant.parse(n.get("at").asText()), text(n, "user"), text(n, "role"),
                    text(n, "action"), text(n, "signal_id"), text(n, "detail")));
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
