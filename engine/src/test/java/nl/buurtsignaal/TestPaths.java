package nl.buurtsignaal;

import java.nio.file.Path;

/**
 * Where the tests find things. Every module's tests run in the project's folder (conf/, bin/,
 * docs/), as bin/buurtsignaal does; a module's build output is its own target/.
 */
public final class TestPaths {
    private TestPaths() {
    }

    /** The contract's worked example (shared/contract/example, copied into the engine's test resources). */
    public static final Path CONTRACT_EXAMPLE = Path.of("engine/src/test/resources/contract-example");

    /** The running module's build folder (engine/target or bench/target). */
    public static Path build() {
        return Path.of(System.getProperty("buurtsignaal.build", "target"));
    }

    /** The engine's build folder, where its packaged jars are. */
    public static final Path ENGINE_BUILD = Path.of("engine/target");
}
