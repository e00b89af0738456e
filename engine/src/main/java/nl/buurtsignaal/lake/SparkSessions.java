package nl.buurtsignaal.lake;

import nl.buurtsignaal.config.EngineConfig;
import org.apache.spark.sql.SparkSession;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Builds the engine's SparkSession: Delta's extension and catalog, plus the settings of conf/. */
public final class SparkSessions {
    private SparkSessions() {
    }

    /**
     * The JVM's session with the engine's settings: made once; a later call (a test, a notebook
     * opening a second lake) gets the same session, with the settings that changed applied as
     * Spark's builder applies them.
     */
    public static SparkSession getOrCreate(EngineConfig config) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
        settings.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        // spark-submit sets spark.master itself; locally the configured master (local[*]) applies.
        String master = System.getProperty("spark.master");
        boolean submitted = master != null;
        if (!submitted) {
            master = config.settings().sparkMaster();
        }
        if (master.startsWith("local")) {
            // In one JVM, local files without a chmod or readlink process per file (see LocalFiles).
            settings.put("spark.hadoop.fs.file.impl", LocalFiles.FileSystem.class.getName());
            settings.put("spark.hadoop.fs.AbstractFileSystem.file.impl", LocalFiles.Fs.class.getName());
        }
        for (Map.Entry<String, String> setting : config.settings().spark().entrySet()) {
            // spark-submit hands its settings to the driver as system properties: those win.
            if (!submitted || System.getProperty(setting.getKey()) == null) {
                settings.put(setting.getKey(), setting.getValue());
            }
        }
        if (master.startsWith("local")) {
            settings.putAll(config.settings().sparkLocal());
        }
        if (!submitted) {
            settings.put("spark.master", master);
        }
        settings.put("spark.app.name", "buurtsignaal");
        // On a session that exists, the builder applies what it is given and warns of the settings
        // that cannot change any more (static SQL settings such as the warehouse, the context's
        // own such as the master): give it only the others, and only where they differ.
        scala.Option<SparkSession> existing = SparkSession.getDefaultSession();
        if (existing.isDefined() && !existing.get().sparkContext().isStopped()) {
            org.apache.spark.sql.RuntimeConfig current = existing.get().conf();
            org.apache.spark.SparkConf context = existing.get().sparkContext().getConf();
            settings.entrySet().removeIf(setting -> {
                String key = setting.getKey();
                scala.Option<String> value = current.getOption(key);
                boolean fixed = org.apache.spark.sql.internal.SQLConf.isStaticConfigKey(key)
                        || (!key.startsWith("spark.sql.") && !key.startsWith("spark.databricks.") && context.contains(key));
                return fixed || (value.isDefined() && value.get().equals(setting.getValue()));
            });
        }
        SparkSession.Builder builder = SparkSession.builder();
        settings.forEach(builder::config);
        return builder.getOrCreate();
    }

    /** The session's own values of the settings the small-input profile changes, to put back for large inputs. */
    private static final Map<String, Optional<String>> OWN_VALUES = new ConcurrentHashMap<>();

    /**
     * Whether an input of this many bytes is small (small_input.mode and max_input_mb). bin/buurtsignaal
     * judges the same way before the JVM starts, to run a small input on the JIT's first tier only.
     */
    public static boolean isSmall(EngineConfig config, long inputBytes) {
        String mode = config.settings().smallInput().mode();
        return switch (mode) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            case "auto" -> inputBytes < config.settings().smallInput().maxInputMb() * 1024 * 1024;
            default -> throw new nl.buurtsignaal.base.UsageException("small_input.mode must be auto, on or off, not " + mode);
        };
    }

    /**
     * Fits the session to the size of a command's input. Spark's machinery pays for itself on large
     * inputs and costs more than the work on a municipality's few megabytes: compiling each query to
     * bytecode, re-planning between stages, broadcasting join sides. Below {@code
     * small_input.max_input_mb} (mode {@code auto}), or always (mode {@code on}), the settings under
     * {@code small_input.spark} apply, and the caller's stages keep the tables they read several
     * times in memory; otherwise the session's own settings apply. Results are the same either way.
     *
     * @return whether the input is treated as small
     */
    public static boolean fitToInput(SparkSession spark, EngineConfig config, long inputBytes) {
        boolean small = isSmall(config, inputBytes);
        Map<String, String> profile = config.settings().smallInput().spark();
        for (Map.Entry<String, String> setting : profile.entrySet()) {
            Optional<String> own = OWN_VALUES.computeIfAbsent(setting.getKey(),
                    key -> Optional.ofNullable(spark.conf().get(key, null)));
            if (small) {
                spark.conf().set(setting.getKey(), setting.getValue());
            } else if (own.isPresent()) {
                spark.conf().set(setting.getKey(), own.get());
            } else {
                spark.conf().unset(setting.getKey());
            }
        }
        return small;
    }
}
