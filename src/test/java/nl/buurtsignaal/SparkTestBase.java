package nl.buurtsignaal;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.SparkSessions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One SparkSession for the whole test JVM (local[2], UI off, two shuffle partitions), built the
 * way the engine builds it, so that the command line run from a test reuses it.
 */
public abstract class SparkTestBase {
    private static SparkSession spark;

    protected static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSessions.getOrCreate(config());
        }
        return spark;
    }

    /** The project's configuration with test-sized Spark settings. */
    protected static EngineConfig config(String... settings) {
        List<String> all = new ArrayList<>(List.of("spark_master=local[2]", "spark.spark.sql.shuffle.partitions=2"));
        all.addAll(List.of(settings));
        return EngineConfig.load(Path.of("conf"), null, all);
    }

    protected static Lake lake(Path dir) {
        return new Lake(spark(), dir);
    }

    protected static Dataset<Row> sql(String query) {
        return spark().sql(query);
    }

    /** Rows as sorted strings "a,b,c", for order-independent comparison. */
    protected static TreeSet<String> rows(Dataset<Row> rows) {
        TreeSet<String> out = new TreeSet<>();
        for (Row r : rows.collectAsList()) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length(); i++) {
                b.append(i == 0 ? "" : ",").append(r.isNullAt(i) ? "" : r.get(i).toString());
            }
            out.add(b.toString());
        }
        return out;
    }

    /** The engine's command line, in this JVM. */
    protected static int cli(String... args) {
        spark();
        List<String> all = new ArrayList<>(List.of(args));
        if (!List.of("generate").contains(args[0])) {
            all.addAll(List.of("--set", "spark_master=local[2]", "--set", "spark.spark.sql.shuffle.partitions=2"));
        }
        return nl.buurtsignaal.cli.Main.execute(all.toArray(new String[0]));
    }
}
