package nl.buurtsignaal.bench.cli;

import nl.buurtsignaal.cli.Main;

import nl.buurtsignaal.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.bench.ModelBench;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.models.ModelSpec;
import nl.buurtsignaal.models.Registry;
import nl.buurtsignaal.models.Scorer;
import nl.buurtsignaal.models.Trainer;
import nl.buurtsignaal.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;

@Command(name = "model-bench", mixinStandardHelpOptions = true,
        description = {"Measure the models on a generated city (kept under target/bench/): ingest and run, then train",
                "signal_priority and score every signal of the city with it. Prints the figures and writes them into",
                "docs/performance.md (its models section)."})
final class ModelBenchCommand implements Callable<Integer> {
    @Mixin
    Main.ConfigOptions options;

    @Option(names = "--persons", defaultValue = "1000000", description = "Residents of the city (default ${DEFAULT-VALUE}).")
    long persons;

    @Option(names = "--seed", defaultValue = "5", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--docs", defaultValue = "true", negatable = true, description = "Write the figures into docs/performance.md.")
    boolean docs;

    @Override
    public Integer call() throws Exception {
        LocalDate asOf = LocalDate.of(2026, 10, 31);
        EngineConfig config = options.config();
        Path home = EngineConfig.defaultConfDir().toAbsolutePath().getParent();
        Path work = Files.createDirectories(home.resolve("target").resolve("bench"));
        Path landing = work.resolve("model-city-" + persons);
        Path lakeDir = work.resolve("model-lake-" + persons);
        nl.buurtsignaal.base.FileTrees.deleteRecursively(lakeDir);
        if (!Files.isDirectory(landing)) {
            int generated = Main.execute("generate", "--out", landing.toString(), "--persons", String.valueOf(persons),
                    "--seed", String.valueOf(seed), "--as-of", asOf.toString());
            if (generated != Main.OK) {
                return generated;
            }
        }
        Lake lake = new Lake(options.spark(config), lakeDir.toString());
        Progress progress = Progress.stderr("model-bench");
        Pipeline pipeline = new Pipeline(lake, config, progress);
        long start = System.nanoTime();
        pipeline.ingest(landing, landing.resolve("_key.txt"), "bench-ingest");
        pipeline.run(asOf, true, "bench-run");
        double pipelineSeconds = seconds(start);

        start = System.nanoTime();
        Registry.Version version = Trainer.train(lake, config, ModelSpec.load(config, "signal_priority"), "model-bench", progress);
        double trainSeconds = seconds(start);

        start = System.nanoTime();
        long scored = Scorer.score(lake, config, version, asOf, progress);
        double scoreSeconds = seconds(start);

        JsonNode m = Json.MAPPER.readTree(version.metrics());
        ModelBench.Figures figures = new ModelBench.Figures(persons, pipelineSeconds, m.path("n_train").asLong(),
                m.path("n_test").asLong(), trainSeconds, scored, scoreSeconds, m.path("auc_pr").asDouble(),
                m.path("auc_pr_baseline").asDouble());
        System.out.println(figures.summary());
        if (docs) {
            Path page = home.resolve("docs").resolve("performance.md");
            String old = Files.exists(page) ? Files.readString(page, StandardCharsets.UTF_8) : "# Performance\n";
            String environment = String.format(java.util.Locale.ROOT, "Run on %s: %d cores, Java %s, Spark %s.",
                    LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    org.apache.spark.package$.MODULE$.SPARK_VERSION());
            Files.writeString(page, nl.buurtsignaal.bench.Sections.MODELS.into(old, figures.markdown(environment)), StandardCharsets.UTF_8);
            System.err.println("[model-bench] wrote " + page);
        }
        return Main.OK;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
