package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.ingest.KeyFile;
import nl.buurtsignaal.ingest.Sources;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.protect.Erasure;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "erase", mixinStandardHelpOptions = true,
        description = "Erase one person from every table of the lake (AVG article 17), then from Delta history "
                + "by VACUUM once retention.history_hours have passed. Give the person's pseudonym, or the BSN "
                + "with the key file: the BSN is hashed here and never stored. '--bsn -' reads it from standard input.")
final class EraseCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Person person;

    static final class Person {
        @Option(names = "--pseudonym", paramLabel = "HEX", description = "The person's pseudonym (64 hex digits) as in the lake.")
        String pseudonym;

        @Option(names = "--bsn", paramLabel = "BSN|-", description = "The person's BSN, or - to read it from standard input (keeps it out of shell history).")
        String bsn;
    }

    @Option(names = "--key-file", paramLabel = "FILE", description = "The pseudonymisation keys (needed with --bsn).")
    Path keyFile;

    @Override
    public Integer call() {
        List<String> pseudonyms = pseudonyms();
        EngineConfig config = options.config();
        Lake lake = options.openExistingLake(config);
        return options.audited(lake, config, "erase", true, audit -> {
            Map<String, Long> changed = new Erasure(lake, Progress.stderr("erase"))
                    .erase(pseudonyms, config.settings().retention().historyHours());
            long rows = changed.values().stream().mapToLong(Long::longValue).sum();
            String summary = "erased one person: " + rows + " rows in " + changed.size() + " tables " + changed;
            Progress.stderr("erase").info(summary);
            audit.details(summary);
            return Main.OK;
        });
    }

    private List<String> pseudonyms() {
        if (person.pseudonym != null) {
            if (!nl.buurtsignaal.ingest.Pseudonymiser.isPseudonym(person.pseudonym)) {
                throw new UsageException("--pseudonym must be 64 lower-case hex digits");
            }
            return List.of(person.pseudonym);
        }
        if (keyFile == null) {
            throw new UsageException("--bsn needs --key-file: the BSN is hashed with the lake's keys");
        }
        String bsn = person.bsn.equals("-") ? readLine() : person.bsn;
        if (!Sources.isBsn(bsn.strip())) {
            throw new UsageException("--bsn is not a valid BSN (nine digits passing the eleven-test)");
        }
        return KeyFile.read(keyFile).pseudonymsOf(bsn.strip());
    }

    private static String readLine() {
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            throw new UsageException("cannot read the BSN from standard input");
        }
    }
}
