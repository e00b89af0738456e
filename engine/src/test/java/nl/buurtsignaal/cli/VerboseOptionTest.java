package nl.buurtsignaal.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unexpected failure ends in "run with --verbose for details": every command that runs
 * something (every leaf of the command tree) must then take --verbose, or the hint sends a user to
 * an unknown option.
 */
class VerboseOptionTest {
    @Test
    void everyCommandTakesTheVerboseOptionItsFailuresPointTo() {
        CommandLine main = new CommandLine(new Main());
        assertEveryCommandTakesVerbose(main);
    }

    private static void assertEveryCommandTakesVerbose(CommandLine command) {
        if (command.getParent() != null && command.getSubcommands().isEmpty() && !command.getCommandName().equals("help")) {
            assertTrue(command.getCommandSpec().findOption("--verbose") != null,
                    command.getCommandSpec().qualifiedName() + " has no --verbose");
        }
        command.getSubcommands().values().forEach(VerboseOptionTest::assertEveryCommandTakesVerbose);
    }
}
