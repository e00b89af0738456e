package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.Csv;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Query;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.Callable;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Query the lake's tables by name (bronze.<source>, silver.*, gold.signal, audit.delivery, ...); read only.",
                "Prints only the result on standard output: csv is a header row, then rows."})
final class SqlCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|tsv", description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Parameters(index = "0", paramLabel = "QUERY", description = "A Spark SQL query.")
    String query;

    /** What {@code sql} may read: every table of the lake and its history, and the trend view; its user reads the lake's files anyway. */
    static final Query.Grant LOCAL = new Query.Grant("sql", table -> true,
            java.util.Set.of(nl.buurtsignaal.lake.Tables.BUURT_INDICATOR_TREND), true);

    @Override
    public Integer call() {
        char separator = switch (format) {
            case "csv" -> ',';
            case "tsv" -> '\t';
            default -> throw new UsageException("--format must be csv or tsv");
        };
        EngineConfig config = options.config();
        Lake lake = options.openExistingLake(config);
        // The same gate as serve's: a read of the lake's tables, decided on the analysed plan; no
        // file read by its path, no statement that changes the lake (a write takes the writer lock,
        // and only the engine's own commands write).
        // A refused statement is in audit.run too, as a failed sql run ("failed: Refused").
        return options.audited(lake, config, "sql", false, audit -> {
            lake.registerNamed(Query.named(lake.spark(), query));
            Dataset<Row> result = Query.check(Query.readerSession(lake.spark()), lake, query, LOCAL).rows();
            write(flattened(result), separator, new PrintStream(System.out, false, StandardCharsets.UTF_8));
            return Main.OK;
        });
    }

    /** Arrays, maps and structs as JSON text, so that every field is one csv value. */
    static Dataset<Row> flattened(Dataset<Row> rows) {
        StructField[] fields = rows.schema().fields();
        Column[] columns = new Column[fields.length];
        for (int i = 0; i < fields.length; i++) {
            Column c = col("`" + fields[i].name() + "`");
            boolean nested = fields[i].dataType() instanceof ArrayType || fields[i].dataType() instanceof MapType
                    || fields[i].dataType() instanceof StructType;
            columns[i] = (nested ? to_json(c) : c.cast("string")).as(fields[i].name());
        }
        return rows.select(columns);
    }

    static void write(Dataset<Row> rows, char separator, PrintStream out) {
        String[] names = rows.columns();
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            header.append(i == 0 ? "" : String.valueOf(separator)).append(Csv.quote(names[i], separator));
        }
        out.println(header);
        Iterator<Row> it = rows.toLocalIterator();
        while (it.hasNext()) {
            Row row = it.next();
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < names.length; i++) {
                line.append(i == 0 ? "" : String.valueOf(separator));
                if (!row.isNullAt(i)) {
                    line.append(Csv.quote(row.getString(i), separator));
                }
            }
            out.println(line);
        }
        out.flush();
    }

}
