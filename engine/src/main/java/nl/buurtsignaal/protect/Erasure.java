package nl.buurtsignaal.protect;

import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.lake.Lake;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.*;

/**
 * The right to erasure (AVG article 17): one person, given by pseudonym, removed from every table
 * of the lake (bronze, silver, gold, hub, quarantine), then from Delta history by VACUUM once the
 * configured history period has passed. Rows that merely mention the person in their evidence keep
 * their facts about the address, with the pseudonym replaced.
 */
public final class Erasure {
    /** Columns holding a person pseudonym: rows where they match belong to the person. */
    static final Set<String> PERSON_COLUMNS = Set.of("person_id", "buyer_id", "subject_id", "from_id", "to_id");
    /** Text columns that may quote pseudonyms: a matching quarantine row is the person's row. */
    static final Set<String> ROW_TEXT_COLUMNS = Set.of("row_json");
    /**
     * Text columns that may mention pseudonyms among other facts: the mention is replaced. A hub
     * note is free text (hub.review), so it may name someone too.
     */
    static final Set<String> EVIDENCE_COLUMNS = Set.of("evidence", "note", "text");
    static final String ERASED = "[erased]";
    private static final String KEY = "erased_pseudonym";

    private final Lake lake;
    private final Progress progress;

    public Erasure(Lake lake, Progress progress) {
        this.lake = lake;
        this.progress = progress;
    }

    /** A count from the metrics row Delta's MERGE returns. */
    private static long affected(Dataset<Row> metrics, String column) {
        return ((Number) metrics.first().getAs(column)).longValue();
    }

    /**
     * Removes every row of the given pseudonyms (a person may have one per key) and returns the
     * rows removed or redacted per table. Counts only, never the pseudonyms themselves.
     */
    public Map<String, Long> erase(List<String> pseudonyms, double historyHours) {
        Map<String, Long> changed = new TreeMap<>();
        List<String> tables = lake.tables();
        progress.stages(tables.size());
        // The pseudonyms go in as a small table joined by MERGE, never as literals in a predicate:
        // Delta writes a DELETE's predicate into its log, which VACUUM does not clean.
        Dataset<Row> person = lake.spark().createDataset(pseudonyms, Encoders.STRING()).toDF(KEY);
        for (String table : tables) {
            progress.step(table);
            Dataset<Row> rows = lake.read(table);
            List<String> owned = new ArrayList<>();
            List<String> mentioned = new ArrayList<>();
            for (String c : rows.columns()) {
                if (PERSON_COLUMNS.contains(c)) {
                    owned.add("t.`" + c + "` = s." + KEY);
                } else if (ROW_TEXT_COLUMNS.contains(c)) {
                    owned.add("instr(t.`" + c + "`, s." + KEY + ") > 0");
                } else if (EVIDENCE_COLUMNS.contains(c)) {
                    mentioned.add(c);
                }
            }
            long removed = 0;
            if (!owned.isEmpty()) {
                String condition = String.join(" OR ", owned);
                if (!rows.as("t").join(person.as("s"), expr(condition)).isEmpty()) {
                    removed = affected(lake.deltaTable(table).as("t").merge(person.as("s"), condition)
                            .whenMatched().delete().execute(), "num_deleted_rows");
                }
            }
            long redacted = 0;
            for (String c : mentioned) {
                for (String p : pseudonyms) {
                    Dataset<Row> one = lake.spark().createDataset(List.of(p), Encoders.STRING()).toDF(KEY);
                    String mentions = "instr(t.`" + c + "`, s." + KEY + ") > 0";
                    if (!lake.read(table).as("t").join(one.as("s"), expr(mentions)).isEmpty()) {
                        redacted += affected(lake.deltaTable(table).as("t").merge(one.as("s"), mentions)
                                .whenMatched().updateExpr(Map.of("`" + c + "`", "replace(t.`" + c + "`, s." + KEY + ", '" + ERASED + "')"))
                                .execute(), "num_updated_rows");
                    }
                }
            }
            if (removed + redacted > 0) {
                changed.put(table, removed + redacted);
                progress.info("  " + table + ": " + removed + " rows removed" + (redacted > 0 ? ", " + redacted + " redacted" : ""));
            }
        }
        History.vacuum(lake, new ArrayList<>(changed.keySet()), historyHours, progress);
        return changed;
    }
}
