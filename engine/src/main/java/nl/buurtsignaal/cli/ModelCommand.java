package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.models.ExpectedCare;
import nl.buurtsignaal.models.ModelSpec;
import nl.buurtsignaal.models.Registry;
import nl.buurtsignaal.models.Scorer;
import nl.buurtsignaal.models.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code model train|list|promote|score|reproduce} (contract section 8). */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = {"Models for data scientists: they rank the signals the rules raised, never raise one themselves.",
                "Definitions in conf/models/NAME.yaml, features in conf/features/; the registry is ml.model in the lake."},
        subcommands = {ModelCommand.Train.class, ModelCommand.ListVersions.class, ModelCommand.Promote.class,
                ModelCommand.Score.class, ModelCommand.Reproduce.class})
final class ModelCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return Main.USAGE;
    }

    static String user() {
        return System.getProperty("user.name");
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Train a new version of a model on the lake as it is now; it is registered as a candidate.",
                    "Priority models: cross-validated over the grid of the definition, tested on the latest cases against the rules' severity alone, audited for fairness."})
    static final class Train implements Callable<Integer> {
        @Mixin
        Main.Options options;

        @Option(names = "--model", required = true, paramLabel = "NAME", description = "The model's definition: conf/models/NAME.yaml.")
        String model;

        @Option(names = "--grid", paramLabel = "PARAM=V1,V2", description = "Try these values of a grid parameter instead of the definition's (repeatable), e.g. regParam=0.3.")
        List<String> grid = new ArrayList<>();

        @Override
        public Integer call() {
            EngineConfig config = options.config();
            ModelSpec definition = ModelSpec.load(config, model).withGrid(grid);
            if (definition.isPriority()) {
                nl.buurtsignaal.models.Features.load(config); // a refused feature fails before Spark starts
            }
            Lake lake = options.openExistingLake(config);
            return options.audited(lake, config, "model train", true, audit -> {
                Progress progress = Progress.stderr("model train");
                progress.stages(1);
                progress.step("train " + model + " (" + definition.algorithm() + ")");
                Registry.Version v = definition.isPriority()
                        ? Trainer.train(lake, config, definition, user(), progress)
                        : ExpectedCare.train(lake, config, definition, user(), progress);
                audit.details(model + " version " + v.version() + " trained: " + v.metrics().length() + " bytes of metrics");
                PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
                out.println(model + " version " + v.version() + " registered as a candidate"
                        + (!definition.isPriority() ? "" : v.promotable() ? " (promotable)" : " (not promotable)"));
                String reason = read(v.metrics()).path("gate").path("reason").asText("");
                if (!reason.isEmpty()) {
                    out.println(reason);
                }
                List<String> flagged = flagged(v.fairness());
                if (!flagged.isEmpty()) {
                    out.println("fairness audit flagged: " + String.join(", ", flagged) + " (see ml.fairness)");
                }
                out.println("compare: bin/buurtsignaal model list --lake " + lake.root());
                return Main.OK;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every registered version side by side.")
    static final class ListVersions implements Callable<Integer> {
        @Mixin
        Main.Options options;

        @Override
        public Integer call() {
            EngineConfig config = options.config();
            Lake lake = options.openExistingLake(config);
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            List<Registry.Version> versions = new Registry(lake).versions();
            if (versions.isEmpty()) {
                out.println("no model trained yet: bin/buurtsignaal model train --lake " + lake.root() + " --model signal_priority");
                return Main.OK;
            }
            String row = "%-22s %3s %-20s %-10s %-36s %-21s %-21s %-22s %-21s %-21s %-10s %-24s %-12s %s%n";
            out.printf(Locale.ROOT, row, "name", "v", "algorithm", "status", "chosen", "auc_pr [95%]", "baseline [95%]",
                    "difference [95%]", "p@k [95%]", "baseline p@k [95%]", "promotable", "fairness flags", "trained_by",
                    "promoted_by");
            for (Registry.Version v : versions) {
                JsonNode m = read(v.metrics());
                JsonNode ci = m.path("intervals");
                JsonNode chosen = read(v.params()).path("chosen");
                boolean priority = v.kind().equals(ModelSpec.PRIORITY);
                List<String> flagged = flagged(v.fairness());
                out.printf(Locale.ROOT, row, v.name(), v.version(),
                        v.algorithm(), v.status(), priority ? chosen.toString().replace("\"", "") : "-",
                        priority ? withInterval(m.path("auc_pr"), ci.path("auc_pr")) : "-",
                        priority ? withInterval(m.path("auc_pr_baseline"), ci.path("auc_pr_baseline")) : "-",
                        priority ? difference(m.path("auc_pr"), m.path("auc_pr_baseline"), ci.path("auc_pr_difference")) : "-",
                        priority ? withInterval(m.path("precision_at_k"), ci.path("precision_at_k")) : "-",
                        priority ? withInterval(m.path("precision_at_k_baseline"), ci.path("precision_at_k_baseline")) : "-",
                        v.promotable() ? "yes" : "no", flagged.isEmpty() ? "none" : String.join(",", flagged),
                        v.trainedBy(), v.promotedBy() == null ? "" : v.promotedBy()
                                + (v.acceptedFlag() == null ? "" : " (accepted: " + v.acceptedFlag() + ")"));
            }
            out.println("auc_pr and p@k (precision in the top k = the hub's weekly capacity) on the later cases; baseline: the rules' severity alone.");
            out.println("auc_pr is average precision with tied scores as one step; p@k is expected over the orders of tied cases (the severity ties most).");
            out.println("[95%]: paired bootstrap intervals of the test cases; promotable: the difference's interval lies above the model file's gate.margin.");
            return Main.OK;
        }

        /** "0.512 [0.431, 0.598]", or the figure alone for a version trained before intervals. */
        private static String withInterval(JsonNode figure, JsonNode interval) {
            String text = fmt(figure);
            return interval.isArray() && interval.size() == 2
                    ? text + String.format(Locale.ROOT, " [%.3f, %.3f]", interval.get(0).asDouble(), interval.get(1).asDouble())
                    : text;
        }

        private static String difference(JsonNode model, JsonNode baseline, JsonNode interval) {
            if (model.isMissingNode() || baseline.isMissingNode()) {
                return "-";
            }
            String text = String.format(Locale.ROOT, "%+.3f", model.asDouble() - baseline.asDouble());
            return interval.isArray() && interval.size() == 2
                    ? text + String.format(Locale.ROOT, " [%+.3f, %+.3f]", interval.get(0).asDouble(), interval.get(1).asDouble())
                    : text;
        }

        private static String fmt(JsonNode n) {
            return n.isMissingNode() || n.isNull() ? "-" : String.format(Locale.ROOT, "%.3f", n.asDouble());
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = {"Make a version the production one (the one before it is retired).",
                    "Refused for the one who trained it (four eyes), for a version that does not beat the rules' severity alone,",
                    "and for a version with fairness flags unless --accept-flag gives the reason, which is recorded."})
    static final class Promote implements Callable<Integer> {
        @Mixin
        Main.Options options;

        @Option(names = "--model", required = true, paramLabel = "NAME")
        String model;

        @Option(names = "--version", required = true, paramLabel = "N")
        int version;

        @Option(names = "--accept-flag", paramLabel = "REASON", description = "Why a flagged fairness audit is accepted (recorded in ml.model).")
        String acceptFlag;

        @Override
        public Integer call() {
            EngineConfig config = options.config();
            Lake lake = options.openExistingLake(config);
            return options.audited(lake, config, "model promote", true, audit -> {
                Registry registry = new Registry(lake);
                registry.promote(model, version, user(), acceptFlag);
                Registry.Version v = registry.find(model, version);
                String scored = "";
                if (v.kind().equals(ModelSpec.PRIORITY) && lake.exists(nl.buurtsignaal.lake.Tables.SIGNAL)) {
                    // the hub's queue follows at once: the latest signals are ranked by the new version
                    java.sql.Date latest = lake.read(nl.buurtsignaal.lake.Tables.SIGNAL)
                            .agg(org.apache.spark.sql.functions.max("as_of")).first().getDate(0);
                    if (latest != null) {
                        long rows = Scorer.score(lake, config, v, latest.toLocalDate(), Progress.stderr("model promote"));
                        scored = "; " + rows + " signals of " + latest + " ranked by it";
                    }
                }
                audit.details(model + " version " + version + " promoted by " + user() + scored);
                System.out.println(model + " version " + version + " is now the production version" + scored
                        + " (every run ranks new signals with it)");
                return Main.OK;
            });
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Score one as_of's signals again with every production model (gold.signal_priority; gold.buurt_expected).")
    static final class Score implements Callable<Integer> {
        @Mixin
        Main.Options options;

        @Option(names = "--as-of", required = true, paramLabel = "YYYY-MM-DD")
        LocalDate asOf;

        @Override
        public Integer call() {
            EngineConfig config = options.config();
            Lake lake = options.openExistingLake(config);
            return options.audited(lake, config, "model score", true, audit -> {
                Progress progress = Progress.stderr("model score");
                long rows = Scorer.scoreProduction(lake, config, asOf, progress);
                ExpectedCare.refreshProduction(lake, config, asOf, progress);
                audit.details("as_of " + asOf + ": " + rows + " signal priorities");
                System.out.println(rows + " signal priorities written for " + asOf);
                return Main.OK;
            });
        }
    }

    @Command(name = "reproduce", mixinStandardHelpOptions = true,
            description = {"Train a registered version again from the Delta versions it recorded (time travel)",
                    "and compare its metrics with the registered ones: exit 0 when they are equal, 1 when not."})
    static final class Reproduce implements Callable<Integer> {
        @Mixin
        Main.Options options;

        @Option(names = "--model", required = true, paramLabel = "NAME")
        String model;

        @Option(names = "--version", required = true, paramLabel = "N")
        int version;

        @Override
        public Integer call() {
            EngineConfig config = options.config();
            Lake lake = options.openExistingLake(config);
            Registry.Version v = new Registry(lake).find(model, version);
            if (!v.kind().equals(ModelSpec.PRIORITY)) {
                throw new nl.buurtsignaal.base.UsageException("reproduce retrains priority models; " + model + " is " + v.kind());
            }
            Progress progress = Progress.stderr("model reproduce");
            String again = Trainer.reproduce(lake, config, v, progress);
            boolean same = again.equals(v.metrics());
            System.out.println(model + " version " + version + (same ? ": metrics reproduced exactly from "
                    : ": metrics DIFFER when trained again from ") + v.trainedOn());
            if (!same) {
                System.out.println("registered: " + v.metrics());
                System.out.println("again:      " + again);
            }
            return same ? Main.OK : Main.FAILURE;
        }
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json == null ? "{}" : json);
        } catch (java.io.IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    static List<String> flagged(String fairness) {
        List<String> out = new ArrayList<>();
        read(fairness).path("flagged").forEach(n -> out.add(n.asText()));
        return out;
    }
}
