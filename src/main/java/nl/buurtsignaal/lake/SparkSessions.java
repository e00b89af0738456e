package nl.buurtsignaal.lake;

import nl.buurtsignaal.config.EngineConfig;
import org.apache.spark.sql.SparkSession;

import java.util.Map;

/** Builds the engine's SparkSession: Delta's extension and catalog, plus the settings of conf/. */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession getOrCreate(EngineConfig config) {
        SparkSession.Builder builder = SparkSession.builder()
                .appName("buurtsignaal")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        // spark-submit sets spark.master itself; locally the configured master (local[*]) applies.
        if (System.getProperty("spark.master") == null) {
            builder.master(config.string("spark_master", "local[*]"));
        }
        for (Map.Entry<String, String> setting : config.map("spark").entrySet()) {
            builder.config(setting.getKey(), setting.getValue());
        }
        return builder.getOrCreate();
    }
}
