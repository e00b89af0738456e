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
        String master = System.getProperty("spark.master");
        if (master == null) {
            master = config.string("spark_master", "local[*]");
            builder.master(master);
        }
        if (master.startsWith("local")) {
            // In one JVM, local files without a chmod or readlink process per file (see LocalFiles).
            builder.config("spark.hadoop.fs.file.impl", LocalFiles.FileSystem.class.getName())
                    .config("spark.hadoop.fs.AbstractFileSystem.file.impl", LocalFiles.Fs.class.getName());
        }
        boolean submitted = System.getProperty("spark.master") != null;
        for (Map.Entry<String, String> setting : config.map("spark").entrySet()) {
            // spark-submit hands its settings to the driver as system properties: those win.
            if (!submitted || System.getProperty(setting.getKey()) == null) {
                builder.config(setting.getKey(), setting.getValue());
            }
        }
        if (master.startsWith("local")) {
            config.map("spark_local").forEach(builder::config);
        }
        return builder.getOrCreate();
    }

    /**
     * Spark compiles every query to bytecode before it runs (whole-stage code generation). On large
     * inputs that pays for itself; on a few megabytes, compiling takes longer than the work: the
     * demo runs in about 75 s instead of 100 s interpreted. {@code codegen.mode} in conf/: auto
     * (generate code from {@code codegen.min_input_mb} of input), on, or off.
     *
     * @return whether code generation is on
     */
    public static boolean fitCodegen(SparkSession spark, EngineConfig config, long inputBytes) {
        String mode = config.string("codegen.mode", "auto");
        boolean on = switch (mode) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            case "auto" -> inputBytes >= config.number("codegen.min_input_mb", 20) * 1024 * 1024;
            default -> throw new nl.buurtsignaal.cli.UsageException("codegen.mode must be auto, on or off, not " + mode);
        };
        spark.conf().set("spark.sql.codegen.wholeStage", Boolean.toString(on));
        spark.conf().set("spark.sql.codegen.factoryMode", on ? "FALLBACK" : "NO_CODEGEN");
        return on;
    }
}
