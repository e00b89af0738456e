package nl.buurtsignaal.lake;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * audit.run: one row per command that opened the lake. With the Delta versions of every table at
 * the start (what the command could read) and the versions it committed, any gold row can be
 * traced: its table version leads to the run that wrote it, that run's bronze versions to the
 * bronze commits, and those carry the delivery_id of audit.delivery.
 */
public final class RunAudit {
    public static final String TABLE = Tables.AUDIT_RUN;

    static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("command", DataTypes.StringType, false)
            .add("arguments", DataTypes.createArrayType(DataTypes.StringType), false)
            .add("config_sha256", DataTypes.StringType, true)
            .add("tables_read", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
            .add("tables_written", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
            .add("started_at", DataTypes.TimestampType, false)
            .add("finished_at", DataTypes.TimestampType, false)
            .add("status", DataTypes.StringType, false)
            .add("details", DataTypes.StringType, true)
            .add("os_user", DataTypes.StringType, true);

    /** Options whose value is identifying or secret: never written to the audit. */
    private static final List<String> REDACTED = List.of("--bsn", "--pseudonym");

    private final Lake lake;
    private final String runId;
    private final String command;
    private final List<String> arguments;
    private final String configHash;
    private final Instant started = Instant.now();
    private final SortedMap<String, Long> before;
    private String details;

    public RunAudit(Lake lake, String runId, String command, List<String> arguments, String configHash) {
        this.lake = lake;
        this.runId = runId;
        this.command = command;
        this.arguments = redacted(arguments);
        this.configHash = configHash;
        this.before = lake.versions();
    }

    /** What the command did, in a sentence or JSON, for the audit (no identifiers). */
    public void details(String text) {
        this.details = text;
    }

    public String runId() {
        return runId;
    }

    /** Appends the row; the audit's own commit is not counted among the tables written. */
    public void finish(String status) {
        SortedMap<String, Long> written = new TreeMap<>();
        for (Map.Entry<String, Long> now : lake.versions().entrySet()) {
            if (!now.getKey().equals(TABLE) && !now.getValue().equals(before.get(now.getKey()))) {
                written.put(now.getKey(), now.getValue());
            }
        }
        SortedMap<String, Long> read = new TreeMap<>(before);
        read.remove(TABLE);
        Row row = RowFactory.create(runId, command, arguments, configHash, read, written,
                Timestamp.from(started), Timestamp.from(Instant.now()), status, details, System.getProperty("user.name"));
        lake.append(TABLE, lake.spark().createDataFrame(List.of(row), SCHEMA).coalesce(1));
    }

    static List<String> redacted(List<String> arguments) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String a = arguments.get(i);
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (REDACTED.contains(name)) {
                result.add(name + "=[redacted]");
                if (!a.contains("=")) {
                    i++;
                }
            } else {
                result.add(a);
            }
        }
        return result;
    }
}
