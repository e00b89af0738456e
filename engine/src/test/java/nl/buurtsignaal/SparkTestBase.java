package nl.buurtsignaal;

import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.SparkSessions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One SparkSession for the whole test JVM (local[2], UI off, two shuffle partitions), built the
 * way the engine builds it, so that the command line run from a test reuses it.
 */
public abstract class SparkTestBase {
    private static SparkSession spark;

    protected static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSessions.getOrCreate(config());
        }
        return spark;
    }

    /** The project's configuration with test-sized Spark settings. */
    protected static EngineConfig config(String... settings) {
        List<String> all = new ArrayList<>(List.of("spark_master=local[2]", "spark.spark.sql.shuffle.partitions=2"));
        all.addAll(List.of(settings));
        return EngineConfig.load(Path.of("conf"), null, all);
    }

    protected static Lake lake(Path dir) {
        return new Lake(spark(), dir);
    }

    protected static Dataset<Row> sql(String query) {
        return spark().sql(query);
    }

    /**
     * Rows as strings "a,b,c", sorted, every row as often as it occurs: order does not matter, a
     * duplicated row does.
     */
    protected static List<String> rows(Dataset<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row r : rows.collectAsList()) {
            out.add(text(r));
        }
        java.util.Collections.sort(out);
        return List.copyOf(out);
    }

    /** A row as "a,b,c", null as empty. */
    private static String text(Row r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < r.length(); i++) {
            b.append(i == 0 ? "" : ",").append(r.isNullAt(i) ? "" : r.get(i).toString());
        }
        return b.toString();
    }

    /**
     * The rows of {@code actual}, each as "a,b,c" (null as empty), equal {@code expected} in any
     * order, with their multiplicity.
     */
    protected static void assertRows(List<String> expected, Dataset<Row> actual) {
        List<String> got = new ArrayList<>();
        for (Row r : actual.collectAsList()) {
            got.add(text(r));
        }
        List<String> want = new ArrayList<>(expected);
        java.util.Collections.sort(got);
        java.util.Collections.sort(want);
        org.junit.jupiter.api.Assertions.assertEquals(want, got);
    }

    /** The engine's command line, in this JVM. */
    protected static int cli(String... args) {
        spark();
        List<String> all = new ArrayList<>(List.of(args));
        if (!List.of("generate").contains(args[0])) {
            all.addAll(List.of("--set", "spark_master=local[2]", "--set", "spark.spark.sql.shuffle.partitions=2"));
        }
        return nl.buurtsignaal.cli.Main.execute(all.toArray(new String[0]));
    }

    /** What an action printed on standard error (the engine's own lines; log4j keeps its stream). */
    protected static String stderrOf(Runnable action) {
        return printed(action, true);
    }

    /** What an action printed on standard output (the sql command's rows). */
    protected static String stdoutOf(Runnable action) {
        return printed(action, false);
    }

    private static String printed(Runnable action, boolean stderr) {
        java.io.PrintStream original = stderr ? System.err : System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream capture = new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8);
        if (stderr) {
            System.setErr(capture);
        } else {
            System.setOut(capture);
        }
        try {
            // Scala's console (Predef.println, which Spark and Delta print with) keeps its own streams
            if (stderr) {
                scala.Console.withErr(capture, () -> {
                    action.run();
                    return null;
                });
            } else {
                scala.Console.withOut(capture, () -> {
                    action.run();
                    return null;
                });
            }
        } finally {
            if (stderr) {
                System.setErr(original);
            } else {
                System.setOut(original);
            }
        }
        return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Copies a folder tree (a landing zone) to a new place. */
    protected static void copyTree(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (java.nio.file.Files.isDirectory(f)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(f, target);
                }
            }
        }
    }

    /** The files under a folder whose bytes contain any of the given strings. */
    protected static List<String> filesContaining(Path dir, java.util.Collection<String> needles) throws java.io.IOException {
        List<String> hits = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                String text = new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                for (String needle : needles) {
                    if (text.contains(needle)) {
                        hits.add(dir.relativize(f) + " contains " + needle.substring(0, 3) + "...");
                    }
                }
            }
        }
        return hits;
    }

    /** Files under a folder holding any of the given nine-digit numbers (raw BSNs) in their bytes. */
    protected static List<String> filesWithNineDigits(Path dir, java.util.Set<String> numbers) throws java.io.IOException {
        java.util.regex.Pattern nineDigits = java.util.regex.Pattern.compile("(?<![0-9])[0-9]{9}(?![0-9])");
        List<String> hits = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                java.util.regex.Matcher m = nineDigits.matcher(
                        new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    if (numbers.contains(m.group())) {
                        hits.add(dir.relativize(f).toString());
                        break;
                    }
                }
            }
        }
        return hits;
    }
}
