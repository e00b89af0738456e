package nl.buurtsignaal.bench;

import java.util.Locale;

/** The models' figures in docs/performance.md: training on a city's features and scoring its signals. */
public final class ModelBench {

    /** What one model bench measured. */
    public record Figures(long persons, double pipelineSeconds, long trainExamples, long testExamples, double trainSeconds,
                          long signalsScored, double scoreSeconds, double aucPr, double aucPrBaseline) {
        public String summary() {
            return String.format(Locale.ROOT, "model-bench, %d persons: ingest + run %.1f s; train signal_priority on %d + %d "
                            + "examples %.1f s (target 300 s); score %d signals %.1f s (target 20 s for 10,000); AUC-PR %.3f "
                            + "against %.3f for the rules' severity alone", persons, pipelineSeconds, trainExamples, testExamples,
                    trainSeconds, signalsScored, scoreSeconds, aucPr, aucPrBaseline);
        }

        public String markdown(String environment) {
            return Sections.MODELS.begin() + "\n## Models (`bin/buurtsignaal model-bench --persons " + persons + "`)\n\n" + environment + "\n\n"
                    + "| persons | ingest + run | training examples (train + test) | train `signal_priority` (target 300 s) | "
                    + "signals scored | scoring (target 20 s for 10,000) | AUC-PR (rules alone) |\n"
                    + "| --- | --- | --- | --- | --- | --- | --- |\n"
                    + String.format(Locale.ROOT, "| %d | %.1f s | %d + %d | %.1f s | %d | %.1f s | %.3f (%.3f) |%n", persons,
                    pipelineSeconds, trainExamples, testExamples, trainSeconds, signalsScored, scoreSeconds, aucPr, aucPrBaseline)
                    + "\nTraining includes planning silver for the cutoff date and running every rule on it (the baseline), the\n"
                    + "features of every example, 3-fold cross-validation over the definition's grid and the evaluation.\n" + Sections.MODELS.end() + "\n";
        }
    }

    private ModelBench() {
    }
}
