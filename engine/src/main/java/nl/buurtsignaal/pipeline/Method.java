package nl.buurtsignaal.pipeline;

import nl.buurtsignaal.base.Hashing;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.EngineConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import nl.buurtsignaal.dossier.ControlSample;

/**
 * What a result was computed with. The method version (in gold.buurt_score) changes with the
 * catalogue, its parameters and the scoring, provision and publication settings; the fingerprint
 * (in audit.computed) also with the neighbourhood reference and the engine's version, so that an
 * incremental run keeps only what the same method would compute again.
 */
public final class Method {
    private Method() {
    }

    public static String version(Catalogue catalogue, EngineConfig config) {
        String basis = catalogue.fingerprint() + "|" + config.node("scoring") + "|" + config.node("risk_branches")
                + "|" + config.node("provisions") + "|" + config.node("publication");
        return "m-" + Hashing.sha256(basis).substring(0, 12);
    }

    static String fingerprint(String methodVersion, EngineConfig config, java.util.List<nl.buurtsignaal.areas.Classification> areas) {
        Path reference = config.resolve(config.settings().referenceBuurten());
        String referenceHash;
        try {
            referenceHash = Hashing.sha256(Files.readString(reference));
        } catch (IOException e) {
            throw new UsageException("neighbourhood reference not readable: " + reference);
        }
        // the classifications results are computed in, and what each is (its areas, codes, polygons)
        String classifications = Hashing.sha256(String.join("|", areas.stream().map(c -> c.name() + ":" + c.fingerprint()).toList()));
        return methodVersion + "|" + referenceHash.substring(0, 12) + "|a-" + classifications.substring(0, 12) + "|" + engineVersion();
    }

    /**
     * What the silver tables are computed with besides bronze: the settings conforming reads (risk
     * branches, the provisions' laws) and the engine's version. The catalogue, the scoring and the
     * reference are not among them: a changed threshold keeps silver.
     */
    static String silverFingerprint(EngineConfig config) {
        StringBuilder basis = new StringBuilder();
        nl.buurtsignaal.conform.Conform.SETTINGS.forEach(setting -> basis.append(config.node(setting)).append('|'));
        return "s-" + Hashing.sha256(basis.toString()).substring(0, 12) + "|" + engineVersion();
    }

    /** What gold.subject_link is computed with besides bronze: the dossier settings (the transfer window). */
    static String linksFingerprint(EngineConfig config) {
        return "l-" + Hashing.sha256(String.valueOf(config.node("dossier"))).substring(0, 12) + "|" + engineVersion();
    }

    /** What gold.control_sample is drawn with: the rules (the signals it avoids), its size and seed. */
    static String controlFingerprint(String methodVersion, EngineConfig config) {
        return "c-" + methodVersion + "|" + ControlSample.perGemeente(config) + "|" + ControlSample.seed(config) + "|" + engineVersion();
    }

    private static String engineVersion() {
        String engine = Method.class.getPackage().getImplementationVersion();
        return engine == null ? "development" : engine;
    }
}
