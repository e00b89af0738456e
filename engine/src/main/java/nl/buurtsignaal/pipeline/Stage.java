package nl.buurtsignaal.pipeline;

/** The stages of the engine, in the order the {@link Pipeline} runs them. */
public enum Stage {
    /** Landing zone → bronze: contract checks, pseudonymisation, quarantine (one commit per delivery). */
    INGEST("ingest"),
    /** The catalogue's SQL checked against the planned silver tables: analysis only, no Spark job. */
    CHECK("check"),
    /** Bronze → silver for one as_of. */
    SILVER("silver"),
    /** The catalogue's rules → gold.signal. */
    RULES("rules"),
    /** The catalogue's indicators → gold.buurt_indicator. */
    INDICATORS("indicators"),
    /** Indicators → gold.buurt_score. */
    SCORES("scores"),
    /** The dossiers' tables: gold.subject_link, gold.control_sample, gold.rule_precision. */
    DOSSIER("dossier"),
    /** The production models: gold.signal_priority for the run's signals, gold.buurt_expected. */
    MODELS("models");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    /** The stage's name in progress lines and the bench's report. */
    public String label() {
        return label;
    }
}
