package nl.buurtsignaal.ingest;

import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.*;

/** Writes a delivery's clean rows to its bronze table: one Delta commit per delivery. */
final class BronzeWriter {
    private BronzeWriter() {
    }

    static void write(Lake lake, Sources.Source source, Manifest manifest, Dataset<Row> rows) {
        String table = Tables.bronze(source.name());
        if (!manifest.isDelta() || !lake.exists(table)) {
            // kind full: the delivery is the source's new state, in one commit. Earlier states stay
            // reachable through Delta time travel until VACUUM removes them.
            Dataset<Row> state = manifest.isDelta() ? rows.filter(col("op").equalTo("U")).drop("op") : rows;
            lake.overwrite(table, state);
            return;
        }
        String condition = source.keyColumns().stream().map(k -> "t.`" + k + "` <=> s.`" + k + "`")
                .collect(Collectors.joining(" AND "));
        Map<String, Column> assignments = new LinkedHashMap<>();
        for (String column : rows.drop("op").columns()) {
            assignments.put("`" + column + "`", col("s.`" + column + "`"));
        }
        // kind delta: one MERGE on the source's key; D deletes, U upserts.
        lake.deltaTable(table).as("t")
                .merge(rows.as("s"), condition)
                .whenMatched("s.op = 'D'").delete()
                .whenMatched("s.op = 'U'").update(new java.util.HashMap<>(assignments))
                .whenNotMatched("s.op = 'U'").insert(new java.util.HashMap<>(assignments))
                .execute();
        lake.register(table);
    }
}
