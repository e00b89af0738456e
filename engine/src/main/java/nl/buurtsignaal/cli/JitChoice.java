package nl.buurtsignaal.cli;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.SparkSessions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which JIT bin/buurtsignaal starts a command on, asked before the command's own JVM starts (the
 * JIT cannot change once a JVM runs): {@code quick}, the first tier only, for a short command on a
 * small input, {@code full} otherwise. Small is the engine's own judgement,
 * {@link SparkSessions#isSmall}, with the settings loaded as the command loads them (conf/, --conf,
 * --set). The input is what the command is about to read, measured on the local disk: for demo its
 * sample, for ingest the landing zone and bronze, for run bronze; a lake named by a URI is not
 * measured and counts as large. sql is always short, a server long-lived. The launcher starts this
 * on the first tier with the class data archive: a fraction of a second.
 */
public final class JitChoice {
    private JitChoice() {
    }

    /** Prints quick or full for the command line the launcher was given; full whenever it cannot tell. */
    public static void main(String[] args) {
        String choice;
        try {
            choice = choose(EngineConfig.defaultConfDir(), args);
        } catch (RuntimeException e) {
            // a bad command line is the command's to report, with its own message
            choice = "full";
        }
        System.out.println(choice);
    }

    /** quick or full for this command line, with the settings of {@code confDir} under its --conf and --set. */
    public static String choose(Path confDir, String... args) {
        if (args.length == 0) {
            return "full";
        }
        String command = args[0];
        if (command.equals("sql")) {
            return "quick";
        }
        if (!List.of("demo", "ingest", "run").contains(command)) {
            return "full";
        }
        List<String> conf = values(args, "conf");
        EngineConfig config = EngineConfig.load(confDir, conf.isEmpty() ? null : Path.of(conf.get(conf.size() - 1)),
                values(args, "set"));
        // the lake as the command resolves it (--lake, else the configuration's)
        Main.Options options = new Main.Options();
        options.lake = last(values(args, "lake"));
        String lakePath = options.lakePath(config);
        long input = switch (command) {
            case "demo" -> {
                String sample = last(values(args, "sample"));
                yield bytes(sample != null ? sample : DemoCommand.defaultSample(confDir).toString());
            }
            case "ingest" -> plus(bytes(last(values(args, "landing"))), bytes(lakePath + "/bronze"));
            default -> bytes(lakePath + "/bronze");
        };
        return SparkSessions.isSmall(config, input) ? "quick" : "full";
    }

    /** Each value of {@code --name value} and {@code --name=value} among the arguments. */
    private static List<String> values(String[] args, String name) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--" + name) && i + 1 < args.length) {
                values.add(args[++i]);
            } else if (args[i].startsWith("--" + name + "=")) {
                values.add(args[i].substring(name.length() + 3));
            }
        }
        return values;
    }

    private static String last(List<String> values) {
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    private static long plus(long a, long b) {
        return a == Long.MAX_VALUE || b == Long.MAX_VALUE ? Long.MAX_VALUE : a + b;
    }

    /** The bytes of the files under a local folder (none if it is missing); a URI counts as large. */
    private static long bytes(String folder) {
        if (folder == null) {
            return 0;
        }
        if (Lake.isUri(folder) && !folder.startsWith("file:")) {
            return Long.MAX_VALUE;
        }
        Path path = Path.of(Lake.normalise(folder));
        if (!Files.isDirectory(path)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(JitChoice::size).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
