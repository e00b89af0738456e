package nl.buurtsignaal.models;

import nl.buurtsignaal.base.Json;
import io.delta.tables.DeltaTable;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.*;

/**
 * The model registry in the lake, {@code ml.model} (contract section 8): every trained version
 * with what it read, how it did and who trained and promoted it. A version is a candidate until
 * promoted; promoting one retires the production version before it, in one commit.
 */
public final class Registry {
    public static final String CANDIDATE = "candidate";
    public static final String PRODUCTION = "production";
    public static final String RETIRED = "retired";

    static final StructType SCHEMA = new StructType()
            .add("name", DataTypes.StringType, false)
            .add("version", DataTypes.IntegerType, false)
            .add("kind", DataTypes.StringType, false)
            .add("algorithm", DataTypes.StringType, false)
            .add("params", DataTypes.StringType, false)
            .add("features", DataTypes.createArrayType(DataTypes.StringType), false)
            .add("label", DataTypes.StringType, false)
            .add("trained_on", DataTypes.StringType, false)
            .add("metrics", DataTypes.StringType, false)
            .add("fairness", DataTypes.StringType, false)
            .add("promotable", DataTypes.BooleanType, false)
            .add("status", DataTypes.StringType, false)
            .add("trained_by", DataTypes.StringType, true)
            .add("trained_at", DataTypes.TimestampType, false)
            .add("promoted_by", DataTypes.StringType, true)
            .add("promoted_at", DataTypes.TimestampType, true)
            .add("accepted_flag", DataTypes.StringType, true)
            .add("path", DataTypes.StringType, false);

    /** One version as registered. */
    public record Version(String name, int version, String kind, String algorithm, String params, List<String> features,
                          String label, String trainedOn, String metrics, String fairness, boolean promotable,
                          String status, String trainedBy, Timestamp trainedAt, String promotedBy, String acceptedFlag,
                          String path) {
    }

    private final Lake lake;

    public Registry(Lake lake) {
        this.lake = lake;
    }

    /** Every version, by name and version. */
    public List<Version> versions() {
        if (!lake.exists(Tables.ML_MODEL)) {
            return List.of();
        }
        return lake.read(Tables.ML_MODEL).orderBy("name", "version").collectAsList().stream().map(Registry::version).toList();
    }

    public List<Version> production(String kind) {
        return versions().stream().filter(v -> v.status().equals(PRODUCTION) && v.kind().equals(kind)).toList();
    }

    public Version find(String name, int version) {
        return versions().stream().filter(v -> v.name().equals(name) && v.version() == version).findFirst()
                .orElseThrow(() -> new UsageException("ml.model has no version " + version + " of " + name
                        + " (see bin/buurtsignaal model list)"));
    }

    public int nextVersion(String name) {
        return versions().stream().filter(v -> v.name().equals(name)).mapToInt(Version::version).max().orElse(0) + 1;
    }

    /** Where a version's saved MLlib model lives, inside the lake. */
    public String modelPath(String name, int version) {
        return lake.root() + "/ml/models/" + name + "/v" + version;
    }

    public void register(Version v) {
        Row row = RowFactory.create(v.name(), v.version(), v.kind(), v.algorithm(), v.params(), v.features(), v.label(),
                v.trainedOn(), v.metrics(), v.fairness(), v.promotable(), v.status(), v.trainedBy(), v.trainedAt(),
                v.promotedBy(), null, v.acceptedFlag(), v.path());
        lake.append(Tables.ML_MODEL, lake.spark().createDataFrame(List.of(row), SCHEMA).coalesce(1));
    }

    /**
     * Makes a version the production one. Refused when the promoter trained it (four eyes), when it
     * does not beat the rules' baseline, or when its fairness audit flagged a group and no reason to
     * accept that was given (the reason is recorded).
     */
    public void promote(String name, int version, String user, String acceptFlag) {
        Version v = find(name, version);
        if (v.status().equals(PRODUCTION)) {
            throw new UsageException(name + " version " + version + " is already the production version");
        }
        if (user != null && user.equals(v.trainedBy())) {
            throw new UsageException("four eyes: " + user + " trained " + name + " version " + version
                    + " and may not promote it; someone else must");
        }
        boolean accepted = acceptFlag != null && !acceptFlag.isBlank();
        if (!v.promotable() && !accepted) {
            String reason = Json.read(v.metrics()).path("gate").path("reason").asText(
                    "it does not beat the rules' severity alone (see model list)");
            throw new UsageException(name + " version " + version + ": " + reason.replace(" (promote --accept-flag REASON to override, recorded)", "")
                    + "; promote it only with --accept-flag REASON, which is recorded");
        }
        List<String> flagged = Json.strings(v.fairness(), "flagged");
        if (!flagged.isEmpty() && !accepted) {
            throw new UsageException(name + " version " + version + " has fairness flags (" + String.join(", ", flagged)
                    + "): promote it only with --accept-flag REASON, which is recorded");
        }
        boolean overridden = !flagged.isEmpty() || !v.promotable();
        Column isThis = col("version").equalTo(version);
        Timestamp now = Timestamp.from(Instant.now());
        DeltaTable.forPath(lake.spark(), lake.location(Tables.ML_MODEL)).update(col("name").equalTo(name)
                        .and(isThis.or(col("status").equalTo(PRODUCTION))),
                Map.of("status", when(isThis, lit(PRODUCTION)).otherwise(lit(RETIRED)),
                        "promoted_by", when(isThis, lit(user)).otherwise(col("promoted_by")),
                        "promoted_at", when(isThis, lit(now)).otherwise(col("promoted_at")),
                        "accepted_flag", when(isThis, overridden ? lit(acceptFlag) : lit(null).cast("string"))
                                .otherwise(col("accepted_flag"))));
    }

    private static Version version(Row r) {
        return new Version(r.getAs("name"), r.<Integer>getAs("version"), r.getAs("kind"), r.getAs("algorithm"),
                r.getAs("params"), r.getList(r.fieldIndex("features")), r.getAs("label"), r.getAs("trained_on"),
                r.getAs("metrics"), r.getAs("fairness"), r.<Boolean>getAs("promotable"), r.getAs("status"),
                r.getAs("trained_by"), r.getAs("trained_at"), r.getAs("promoted_by"), r.getAs("accepted_flag"),
                r.getAs("path"));
    }
}
