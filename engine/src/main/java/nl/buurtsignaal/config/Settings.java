package nl.buurtsignaal.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * The engine's settings as typed records, one per section of {@code conf/buurtsignaal.yaml}. Bound
 * once when the configuration loads ({@link EngineConfig#load}); every value comes from the files,
 * none is defaulted here. A missing key, an unknown key or a value of the wrong type is a one-line
 * usage error naming the file and the key.
 *
 * <p>Keys are the YAML's snake_case names ({@code flag_min_score} binds {@code flagMinScore}).
 */
public record Settings(String lake, String sparkMaster, Map<String, String> spark, Map<String, String> sparkLocal,
                       SmallInput smallInput, Retention retention, Ingest ingest, String catalogueDir, Areas areas,
                       String referenceBuurten, String referenceGeometry, List<String> riskBranches,
                       Map<String, String> provisions, Scoring scoring, Publication publication, Serve serve, Hub hub,
                       Dossier dossier, Models models, Report report, Leases leases, JsonNode catalogue) {


    /**
     * Leases on a lake without locks (object storage): the writer lock, and the hub's and serve's
     * one-per-lake locks, as lease files in the lake (lake/Lease).
     */
    public record Leases(int expirySeconds, int renewSeconds, long settleMillis) {
        public Leases {
            if (renewSeconds < 1 || expirySeconds <= renewSeconds || settleMillis < 0) {
                throw new IllegalArgumentException("renew_seconds must be at least 1 and below expiry_seconds, settle_millis"
                        + " not negative (got expiry_seconds " + expirySeconds + ", renew_seconds " + renewSeconds
                        + ", settle_millis " + settleMillis + ")");
            }
        }
    }

    public record SmallInput(String mode, double maxInputMb, boolean holdTables, Map<String, String> spark) {
    }

    public record Retention(double historyHours, Map<String, Double> years) {
    }

    public record Ingest(double maxBadRowShare) {
    }

    /** Theme scores: the flag threshold, the shrinkage prior and the weights per theme and indicator. */
    public record Scoring(double flagMinScore, double shrinkagePriorDenominator,
                          Map<String, Map<String, Double>> weights) {

        /** The themes, in the order of their weights: the one place that names them. */
        public List<String> themes() {
            return List.copyOf(weights.keySet());
        }
    }

    public record Publication(long minDenominator) {
    }

    public record Serve(List<String> roles, long queryTimeoutSeconds, double idleTimeoutMinutes, int maxLogins,
                        Map<String, String> spark) {
    }

    public record Hub(long refreshSeconds, long idleTimeoutMinutes, long sessionLifetimeMinutes, int loginMaxFailures,
                      long loginWindowMinutes, long loginFirstDelayMs, long loginMaxDelayMs, int loginMaxRemembered,
                      int loginMaxConcurrentChecks, int maxBodyBytes, List<String> trustedProxies, int maxPageSize,
                      String evidenceTemplates, Map<String, List<String>> reasonCodes, List<String> partners,
                      List<String> meldingSources, Map<String, List<String>> outcomeCodes, Deadlines deadlines,
                      int controlSamplePerGemeente, long controlSampleSeed, int dossierMaxNodes) {
    }

    public record Deadlines(int firstStatusDays, int outcomeDays) {
    }

    /** Neighbourhood classifications: their folder, and those a run places addresses in without --areas. */
    public record Areas(String dir, List<String> run) {
    }

    public record Dossier(int transferWindowMonths, int enforcementWindowMonths) {
    }

    public record Models(String featuresDir, String modelsDir, int weeklyCapacity, long minOutcomeLabels,
                         int bootstrapResamples, Training training, Fairness fairness, Deny deny) {
    }

    /** What training needs before it fits, and the MLlib learners' iterations. */
    public record Training(int minPositives, int minNegatives, int minTestExamples, int logisticMaxIter,
                           int gbtMaxIter) {
    }

    /**
     * The fairness audit's bounds: selection and precision ratios, the smallest group, the z-test's
     * critical value, and the age bands of its groups (young below one age, old from another).
     */
    public record Fairness(double maxRatio, double minRatio, long minGroup, double zCritical, int youngUnder, int oldFrom) {
    }

    /** What a feature may never read (contract section 8). */
    public record Deny(List<String> careTables, List<String> labelTables, List<String> snapshotTables,
                       List<String> protectedColumns, List<String> proxyColumns) {

        /** A list by its key under models.deny ({@code care_tables}, ...). */
        public List<String> list(String key) {
            return switch (key) {
                case "care_tables" -> careTables;
                case "label_tables" -> labelTables;
                case "snapshot_tables" -> snapshotTables;
                case "protected_columns" -> protectedColumns;
                case "proxy_columns" -> proxyColumns;
                default -> throw new IllegalArgumentException("no list models.deny." + key);
            };
        }
    }

    public record Report(String boundaries, String registerUrl, String chromium) {
    }
}
