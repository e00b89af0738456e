package nl.buurtsignaal;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The packages' layering (STYLE.md): base below everything; config and lake above it; the stages
 * (ingest, conform, indicators, scoring, protect, publish, generate, models) above those; the pipeline
 * above the stages; the services (hub, serve) beside it; bench and cli on top. Lower layers never reach up, and no package cycle.
 */
class LayersTest {
    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("nl.buurtsignaal");

    static final ArchRule NOTHING_IMPORTS_THE_COMMAND_LINE = noClasses()
            .that().resideOutsideOfPackage("nl.buurtsignaal.cli..")
            .should().dependOnClassesThat().resideInAPackage("nl.buurtsignaal.cli..")
            .because("the command line is the top layer: parse, open, call the pipeline, print");

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("nl.buurtsignaal.(*)..").should().beFreeOfCycles();

    static final ArchRule BASE_STANDS_ALONE = noClasses()
            .that().resideInAPackage("nl.buurtsignaal.base..")
            .should().dependOnClassesThat().resideOutsideOfPackages("nl.buurtsignaal.base..", "java..", "com.fasterxml.jackson..")
            .because("base is what every stage shares, below them all (with the one JSON mapper, base.Json)");

    static final ArchRule ONE_CLASS_READS_DELTA_KERNELS_INTERNALS = noClasses()
            .that().haveNameNotMatching("nl\\.buurtsignaal\\.lake\\.KernelReader(\\$.*)?")
            .should().dependOnClassesThat().resideInAPackage("io.delta.kernel.internal..")
            .because("Kernel's scan-file rows are read through its internal utilities, as Kernel's own examples do: in one class");

    static final ArchRule CONFIG_AND_LAKE_KNOW_NO_STAGE = noClasses()
            .that().resideInAnyPackage("nl.buurtsignaal.config..", "nl.buurtsignaal.lake..")
            .should().dependOnClassesThat().resideInAnyPackage("nl.buurtsignaal.ingest..", "nl.buurtsignaal.conform..", "nl.buurtsignaal.areas..",
                    "nl.buurtsignaal.indicators..", "nl.buurtsignaal.scoring..", "nl.buurtsignaal.protect..",
                    "nl.buurtsignaal.publish..", "nl.buurtsignaal.generate..", "nl.buurtsignaal.pipeline..",
                    "nl.buurtsignaal.bench..", "nl.buurtsignaal.models..", "nl.buurtsignaal.hub..", "nl.buurtsignaal.serve..");

    static final ArchRule STAGES_DO_NOT_ORCHESTRATE = noClasses()
            .that().resideInAnyPackage("nl.buurtsignaal.ingest..", "nl.buurtsignaal.conform..", "nl.buurtsignaal.areas..",
                    "nl.buurtsignaal.indicators..", "nl.buurtsignaal.scoring..", "nl.buurtsignaal.protect..",
                    "nl.buurtsignaal.publish..", "nl.buurtsignaal.generate..", "nl.buurtsignaal.models..")
            .should().dependOnClassesThat().resideInAnyPackage("nl.buurtsignaal.pipeline..", "nl.buurtsignaal.bench..")
            .because("a stage talks to the next only through the lake; the pipeline decides their order");

    /** The bench (bench/) is a module of its own: its DuckDB peer never reaches the engine's class path or target/lib. */
    @Test
    void theEngineCarriesNoBenchAndNoDuckDb() {
        for (String name : java.util.List.of("org.duckdb.DuckDBDriver", "nl.buurtsignaal.bench.Bench")) {
            org.junit.jupiter.api.Assertions.assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name);
        }
    }

    @Test
    void noPackageImportsTheCommandLine() {
        NOTHING_IMPORTS_THE_COMMAND_LINE.check(ENGINE);
    }

    @Test
    void noPackageCycles() {
        NO_PACKAGE_CYCLES.check(ENGINE);
    }

    @Test
    void lowerLayersNeverReachUp() {
        BASE_STANDS_ALONE.check(ENGINE);
        CONFIG_AND_LAKE_KNOW_NO_STAGE.check(ENGINE);
        STAGES_DO_NOT_ORCHESTRATE.check(ENGINE);
        ONE_CLASS_READS_DELTA_KERNELS_INTERNALS.check(ENGINE);
    }

    /** The rule can fail: a class outside cli that uses the command line breaks it. */
    @Test
    void theRuleCatchesAStageThatUsesTheCommandLine() {
        JavaClasses offending = new ClassFileImporter().importClasses(OffendingStage.class);
        assertThrows(AssertionError.class, () -> NOTHING_IMPORTS_THE_COMMAND_LINE.check(offending));
    }

    /**
     * No test class depends on the order of its methods: a test that needs a state makes it (or a
     * copy of a shared one); a story whose steps need each other is one test.
     */
    static final ArchRule NO_ORDERED_TESTS = noClasses().that().doNotHaveFullyQualifiedName(OrderedStory.class.getName())
            .should().beAnnotatedWith(org.junit.jupiter.api.TestMethodOrder.class)
            .because("a test that passes only after another hides what it needs (issue 36)");

    @Test
    void noTestDependsOnTheOrderOfItsClasssMethods() {
        NO_ORDERED_TESTS.check(new ClassFileImporter().withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("nl.buurtsignaal"));
        // the condition catches an ordered class (the stand-in below, which only the rule itself leaves out)
        ArchRule anyOrdered = noClasses().should().beAnnotatedWith(org.junit.jupiter.api.TestMethodOrder.class);
        assertThrows(AssertionError.class, () -> anyOrdered.check(new ClassFileImporter().importClasses(OrderedStory.class)));
    }

    /** Stands for a test class whose methods must run in a given order. */
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
    static final class OrderedStory {
    }

    /** Stands for a stage that reached up into the command line. */
    static final class OffendingStage {
        static String command() {
            return nl.buurtsignaal.cli.Main.class.getSimpleName();
        }
    }
}
