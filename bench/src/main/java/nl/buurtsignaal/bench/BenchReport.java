package nl.buurtsignaal.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The bench's figures as csv, as a markdown page (docs/performance.md) and as a table on screen. */
public final class BenchReport {
    static final long MIB = 1024 * 1024;
    private static final List<String> COMPARED = List.of("silver", "rules", "indicators");
    /** The bench's templates (bench/src/main/jte/plain), compiled at build time: Markdown, nothing escaped. */
    private static final gg.jte.TemplateEngine TEMPLATES = gg.jte.TemplateEngine.createPrecompiled(null, gg.jte.ContentType.Plain,
            null, "nl.buurtsignaal.bench.templates");

    private final List<Bench.Result> results;
    private final List<Double> demoSeconds;
    private final String command;
    private final String environment;

    /** {@code demoSeconds}: each timed run of the demo, none when it was not timed; judged on the median. */
    public BenchReport(List<Bench.Result> results, List<Double> demoSeconds, String command, String environment) {
        this.results = results;
        this.demoSeconds = demoSeconds;
        this.command = command;
        this.environment = environment;
    }

    public String csv() {
        StringBuilder out = new StringBuilder("persons,system,stage,seconds,rows,rows_per_second,peak_heap_mib,"
                + "peak_rss_mib,delta_data_files,delta_log_files,spark_jobs,spark_job_seconds\n");
        for (Bench.Result result : results) {
            for (Bench.Stage s : result.stages()) {
                out.append(String.format(Locale.ROOT, "%d,%s,%s,%.2f,%d,%.0f,%d,%d,%d,%d,%d,%.2f%n", s.persons(), s.system(),
                        s.stage(), s.seconds(), s.rows(), s.rowsPerSecond(), s.peakHeapBytes() / MIB,
                        s.peakRssBytes() < 0 ? -1 : s.peakRssBytes() / MIB, s.dataFiles(), s.logFiles(), s.jobs(), s.jobSeconds()));
            }
        }
        return out.toString();
    }

    /** A markdown table: its header and rows, each cell as shown. */
    public record Table(List<String> header, List<List<String>> rows) {
    }

    /** docs/performance.md's values (template {@code performance.jte}); null for a section with nothing measured. */
    public record Page(String command, String environment, Table targets, Table ratios, Table checks, Table floors,
                       Table updates, String query, Table latencies, Table stages) {
    }

    public String markdown() {
        gg.jte.output.StringOutput out = new gg.jte.output.StringOutput();
        TEMPLATES.render("performance.jte", page(), out);
        return out.toString();
    }

    Page page() {
        List<List<String>> rows = new ArrayList<>();
        for (Bench.Result r : results) {
            boolean fromFiles = r.seconds(Bench.DUCKDB, "ingest") > 0;
            if (fromFiles) {
                rows.add(ratioRow(r, "ingest", "ingest"));
            }
            for (String stage : COMPARED) {
                rows.add(ratioRow(r, stage, stage));
            }
            rows.add(ratioRow(r, "silver + rules + indicators", COMPARED.toArray(String[]::new)));
            if (fromFiles) {
                rows.add(List.of(persons(r.persons()), "**ingest + run, from the delivered files**",
                        "**" + fmt(r.seconds(Bench.ENGINE)) + "**", "**" + fmt(r.seconds(Bench.DUCKDB)) + "**",
                        "**" + fmt(r.seconds(Bench.ENGINE) / r.seconds(Bench.DUCKDB)) + "x**"));
            }
        }
        List<List<String>> checks = new ArrayList<>();
        for (Bench.Result r : results) {
            Bench.Check c = r.check();
            checks.add(List.of(persons(r.persons()), c.engineSignals() + " / " + c.duckdbSignals(),
                    c.engineCounts() + " / " + c.duckdbCounts(), (c.equal() ? "equal" : "DIFFERENT: "
                            + c.signalDifferences() + " signals, " + c.countDifferences() + " counts")
                    + (c.withoutTwin().isEmpty() ? "" : "; not compared (no DuckDB twin): " + String.join(", ", c.withoutTwin()))));
        }
        List<List<String>> updates = new ArrayList<>();
        for (Bench.Result r : results) {
            Bench.Update u = r.update();
            if (u != null) {
                updates.add(List.of(persons(r.persons()), fmt(u.fullRunSeconds()), fmt(u.ingestSeconds()), fmt(u.runSeconds()),
                        fmt(u.fullRunSeconds() / Math.max(u.runSeconds(), 1e-9)) + "x", u.recomputed()));
            }
        }
        List<List<String>> stageRows = new ArrayList<>();
        for (Bench.Result r : results) {
            for (Bench.Stage s : r.stages()) {
                boolean engine = s.system().equals(Bench.ENGINE);
                stageRows.add(List.of(persons(s.persons()), s.system(), s.stage(), fmt(s.seconds()),
                        engine ? s.jobs() + " / " + fmt(s.jobSeconds()) + " / " + fmt(Math.max(0, s.seconds() - s.jobSeconds())) : "-",
                        String.valueOf(s.rows()), String.format(Locale.ROOT, "%.0f", s.rowsPerSecond()),
                        String.valueOf(s.peakHeapBytes() / MIB), s.peakRssBytes() < 0 ? "?" : String.valueOf(s.peakRssBytes() / MIB),
                        engine ? s.dataFiles() + " + " + s.logFiles() : "-"));
            }
            stageRows.add(List.of(persons(r.persons()), "engine", "**ingest + run**",
                    "**" + fmt(r.seconds(Bench.ENGINE)) + "**", "", "", "", "", "", ""));
        }
        List<List<String>> floors = floors();
        List<List<String>> latencies = latencies();
        return new Page(command, environment, new Table(List.of("target", "measured", "met"), targets()),
                new Table(List.of("persons", "stage", "engine s", "DuckDB s", "ratio"), rows),
                new Table(List.of("persons", "signals engine / DuckDB", "indicator counts engine / DuckDB", "check"), checks),
                floors.isEmpty() ? null : new Table(List.of("persons", "stage", "engine s", "floor s", "floor Spark jobs / Delta commits",
                        "engine above the floor s"), floors),
                new Table(List.of("persons", "full run s", "care ingest s", "incremental run s", "faster", "recomputed"), updates),
                QueryLatency.QUERY,
                latencies.isEmpty() ? null : new Table(List.of("persons", "`sql` s, median (each run)", "`serve` ready after s",
                        "`serve` ms, median / p90", "queries"), latencies),
                new Table(List.of("persons", "system", "stage", "wall s", "Spark jobs / in jobs s / driver s", "rows", "rows/s",
                        "heap MiB", "RSS MiB", "Delta files (data + log)"), stageRows));
    }

    List<List<String>> targets() {
        List<List<String>> rows = new ArrayList<>();
        if (!demoSeconds.isEmpty()) {
            double median = QueryLatency.median(demoSeconds);
            int n = demoSeconds.size();
            String runs = n == 1 ? fmt(median) + " s" : "median " + fmt(median) + " s of " + n + " runs ("
                    + String.join(", ", demoSeconds.stream().map(BenchReport::fmt).toList()) + ")";
            rows.add(List.of("`demo` at most 30 s wall", runs, yes(median <= 30)));
        }
        find(20_000).ifPresent(r -> {
            double total = r.seconds(Bench.ENGINE);
            rows.add(List.of("20k persons: ingest + run at most 30 s", fmt(total) + " s", yes(total <= 30)));
            if (r.latency() != null) {
                double sql = QueryLatency.median(r.latency().sqlSeconds());
                rows.add(List.of("20k persons: `sql` at most 6 s wall (median)", fmt(sql) + " s", yes(sql <= 6)));
                double serve = QueryLatency.median(r.latency().serveMillis());
                rows.add(List.of("20k persons: a query through `serve`, warm, at most 0.5 s (median)",
                        String.format(Locale.ROOT, "%.0f ms", serve), yes(serve <= 500)));
            }
        });
        find(1_000_000).ifPresent(r -> {
            double total = r.seconds(Bench.ENGINE);
            rows.add(List.of("1M persons: ingest + run at most 100 s", fmt(total) + " s", yes(total <= 100)));
            double ratio = ratio(r, COMPARED.toArray(String[]::new));
            rows.add(List.of("1M persons: at most 3x DuckDB (silver, rules, indicators)", fmt(ratio) + "x", yes(ratio <= 3)));
        });
        find(5_000_000).ifPresent(r -> {
            double total = r.seconds(Bench.ENGINE);
            rows.add(List.of("5M persons: ingest + run at most 360 s", fmt(total) + " s", yes(total <= 360)));
            find(1_000_000).ifPresent(small -> {
                double growth = total / small.seconds(Bench.ENGINE);
                rows.add(List.of("1M to 5M: time grows no faster than linearly (at most 5x)", fmt(growth) + "x",
                        yes(growth <= 5)));
            });
            long peakHeap = r.stages().stream().filter(st -> st.system().equals(Bench.ENGINE))
                    .mapToLong(Bench.Stage::peakHeapBytes).max().orElse(0);
            rows.add(List.of("5M persons: completes within 16 GiB of heap (peak of any engine stage)",
                    peakHeap / MIB + " MiB", yes(peakHeap <= 16L * 1024 * MIB)));
        });
        for (Bench.Result r : results) {
            rows.add(List.of(persons(r.persons()) + " persons: same results as DuckDB", r.check().equal() ? "equal" : "DIFFERENT",
                    yes(r.check().equal())));
        }
        return rows;
    }

    /** The engine's ingest and run against the floor of the same landing zone, per size. */
    List<List<String>> floors() {
        List<List<String>> rows = new ArrayList<>();
        for (Bench.Result r : results) {
            Floor.Figures f = r.floor();
            if (f == null) {
                continue;
            }
            double ingest = r.seconds(Bench.ENGINE, "ingest");
            double run = r.seconds(Bench.ENGINE) - ingest;
            rows.add(List.of(persons(r.persons()), "ingest", fmt(ingest), fmt(f.ingestSeconds()),
                    f.ingestJobs() + " / " + f.ingestCommits(), fmt(ingest - f.ingestSeconds())));
            rows.add(List.of(persons(r.persons()), "run", fmt(run), fmt(f.runSeconds()),
                    f.runJobs() + " / " + f.runCommits(), fmt(run - f.runSeconds())));
            double floor = f.ingestSeconds() + f.runSeconds();
            rows.add(List.of(persons(r.persons()), "**ingest + run**", "**" + fmt(ingest + run) + "**", "**" + fmt(floor) + "**",
                    (f.ingestJobs() + f.runJobs()) + " / " + (f.ingestCommits() + f.runCommits()), fmt(ingest + run - floor)));
        }
        return rows;
    }

    /** What a query costs an analyst, per lake. */
    List<List<String>> latencies() {
        List<List<String>> rows = new ArrayList<>();
        for (Bench.Result r : results) {
            QueryLatency.Figures f = r.latency();
            if (f != null) {
                rows.add(List.of(persons(r.persons()),
                        fmt(QueryLatency.median(f.sqlSeconds())) + " (" + String.join(", ", f.sqlSeconds().stream().map(BenchReport::fmt).toList()) + ")",
                        fmt(f.serveStartSeconds()),
                        String.format(Locale.ROOT, "%.0f / %.0f", QueryLatency.median(f.serveMillis()), QueryLatency.percentile90(f.serveMillis())),
                        String.valueOf(f.serveMillis().size())));
            }
        }
        return rows;
    }

    /** The summary printed on standard output. */
    public String screen() {
        StringBuilder out = new StringBuilder();
        for (Bench.Result r : results) {
            out.append(String.format(Locale.ROOT, "%s persons: engine ingest + run %s s; ", persons(r.persons()),
                    fmt(r.seconds(Bench.ENGINE))));
            for (String stage : COMPARED) {
                out.append(String.format(Locale.ROOT, "%s %s s vs DuckDB %s s (%sx); ", stage,
                        fmt(r.seconds(Bench.ENGINE, stage)), fmt(r.seconds(Bench.DUCKDB, stage)), fmt(ratio(r, stage))));
            }
            if (r.seconds(Bench.DUCKDB, "ingest") > 0) {
                out.append(String.format(Locale.ROOT, "from the delivered files %s s vs DuckDB %s s (%sx); ",
                        fmt(r.seconds(Bench.ENGINE)), fmt(r.seconds(Bench.DUCKDB)),
                        fmt(r.seconds(Bench.ENGINE) / r.seconds(Bench.DUCKDB))));
            }
            out.append(r.check().equal() ? "results equal" : "results DIFFERENT: " + r.check().examples()).append('\n');
            if (r.floor() != null) {
                out.append(String.format(Locale.ROOT, "%s persons: Spark's and Delta's floor for the same files and commits "
                                + "%s s (ingest %s, run %s)%n", persons(r.persons()), fmt(r.floor().ingestSeconds() + r.floor().runSeconds()),
                        fmt(r.floor().ingestSeconds()), fmt(r.floor().runSeconds())));
            }
            if (r.update() != null) {
                out.append(String.format(Locale.ROOT, "%s persons: after a care delivery, the incremental run took %s s "
                                + "(full run %s s; recomputed %s)%n", persons(r.persons()), fmt(r.update().runSeconds()),
                        fmt(r.update().fullRunSeconds()), r.update().recomputed()));
            }
        }
        for (List<String> target : targets()) {
            out.append(String.format(Locale.ROOT, "target: %s: %s (%s)%n", target.get(0), target.get(1), target.get(2)));
        }
        return out.toString();
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("performance.csv"), csv(), StandardCharsets.UTF_8);
        Path page = dir.resolve("performance.md");
        String old = Files.exists(page) ? Files.readString(page, StandardCharsets.UTF_8) : "";
        // the sections of the hub's and the models' benches and the profile are kept
        String written = markdown();
        for (Sections kept : List.of(Sections.PROFILE, Sections.HUB, Sections.MODELS, Sections.AREAS)) {
            String section = kept.of(old);
            if (!section.isEmpty()) {
                written = kept.into(written, section);
            }
        }
        Files.writeString(page, written, StandardCharsets.UTF_8);
    }

    private java.util.Optional<Bench.Result> find(long persons) {
        return results.stream().filter(r -> r.persons() == persons).findFirst();
    }

    private static List<String> ratioRow(Bench.Result r, String label, String... stages) {
        return List.of(persons(r.persons()), label, fmt(r.seconds(Bench.ENGINE, stages)), fmt(r.seconds(Bench.DUCKDB, stages)),
                fmt(ratio(r, stages)) + "x");
    }

    static double ratio(Bench.Result r, String... stages) {
        double duck = r.seconds(Bench.DUCKDB, stages);
        return duck > 0 ? r.seconds(Bench.ENGINE, stages) / duck : Double.NaN;
    }

    /** 100k, 1M, 5M. */
    public static String persons(long n) {
        if (n % 1_000_000 == 0) {
            return n / 1_000_000 + "M";
        }
        return n % 1000 == 0 ? n / 1000 + "k" : String.valueOf(n);
    }

    private static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }

    static String fmt(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.1f", value);
    }
}
