package nl.buurtsignaal.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {
    private static final Bench.Check EQUAL = new Bench.Check(10, 10, 0, 20, 20, 0, List.of(), List.of());

    private static Bench.Result result(long persons, double engineRun, double duckdb) {
        return result(persons, engineRun, duckdb, 1L << 30);
    }

    private static Bench.Result result(long persons, double engineRun, double duckdb, long ingestHeap) {
        return new Bench.Result(persons, List.of(
                new Bench.Stage(persons, Bench.ENGINE, "ingest", engineRun / 2, persons, ingestHeap, 2L << 30, 8, 8, 3, 1.0),
                new Bench.Stage(persons, Bench.ENGINE, "silver", engineRun / 4, persons, 1 << 30, 2L << 30, 10, 10, 3, 1.0),
                new Bench.Stage(persons, Bench.ENGINE, "rules", engineRun / 4, persons, 1 << 30, 2L << 30, 1, 1, 3, 1.0),
                new Bench.Stage(persons, Bench.DUCKDB, "silver", duckdb / 2, persons, 0, 2L << 30, 0, 0, 3, 1.0),
                new Bench.Stage(persons, Bench.DUCKDB, "rules", duckdb / 2, persons, 0, 2L << 30, 0, 0, 3, 1.0)), EQUAL,
                new Bench.Update(1, engineRun / 8, engineRun / 2, "1/10 silver tables, 0/9 rules, 5/13 indicators"), null, null);
    }

    private static Bench.Result municipality(double engineRun, double sqlSeconds, double serveMillis) {
        return result(20_000, engineRun, 1).withLatency(new QueryLatency.Figures(List.of(sqlSeconds + 1, sqlSeconds, sqlSeconds - 1),
                List.of(serveMillis - 50, serveMillis, serveMillis + 100), 4.0));
    }

    private static List<String> verdicts(double demo, Bench.Result municipality, Bench.Result oneMillion, Bench.Result fiveMillion) {
        return new BenchReport(List.of(municipality, oneMillion, fiveMillion), List.of(demo), "cmd", "env").targets()
                .stream().map(target -> target.get(2)).toList();
    }

    @Test
    void theDemoIsJudgedOnTheMedianOfItsRuns() {
        Bench.Result oneMillion = result(1_000_000, 100, 20);
        Bench.Result fiveMillion = result(5_000_000, 360, 100);
        List<List<String>> slowOutlier = new BenchReport(List.of(oneMillion, fiveMillion), List.of(29.0, 77.5, 28.0), "cmd", "env").targets();
        assertEquals("yes", slowOutlier.get(0).get(2));
        assertEquals("median 29.0 s of 3 runs (29.0, 77.5, 28.0)", slowOutlier.get(0).get(1));
        List<List<String>> oneFastRun = new BenchReport(List.of(oneMillion, fiveMillion), List.of(31.0, 20.0, 32.0), "cmd", "env").targets();
        assertEquals("**no**", oneFastRun.get(0).get(2));
    }

    @Test
    void targetsAreJudgedAtTheirEdges() {
        // demo 30 s; 20k: ingest + run 30 s, sql 6 s, serve 500 ms; 1M: 100 s, 50 s against DuckDB's 20 s (2.5x);
        // 5M: 360 s (3.6x of 1M), heap 1 GiB; all three equal to DuckDB
        assertEquals(List.of("yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes"),
                verdicts(30, municipality(30, 6, 500), result(1_000_000, 100, 20), result(5_000_000, 360, 100)));
        // just over every edge
        assertEquals(List.of("**no**", "**no**", "**no**", "**no**", "**no**", "**no**", "**no**", "**no**", "**no**"),
                verdicts(30.1, municipality(30.2, 6.1, 501), result(1_000_000, 100.4, 16), result(5_000_000, 502.5, 100, (16L << 30) + 1))
                        .subList(0, 9));
    }

    @Test
    void csvAndMarkdownCarryEveryStage(@TempDir Path dir) throws IOException {
        BenchReport report = new BenchReport(List.of(result(100_000, 20, 2)), List.of(), "cmd", "env");
        report.write(dir);
        List<String> csv = Files.readAllLines(dir.resolve("performance.csv"));
        assertEquals(1 + 5, csv.size());
        assertEquals("100000,engine,ingest,10.00,100000,10000,1024,2048,8,8,3,1.00", csv.get(1));
        String md = Files.readString(dir.resolve("performance.md"));
        assertTrue(md.contains("| 100k | engine | **ingest + run** | **20.0** |"), md);
        assertTrue(md.contains("| 100k | engine | ingest | 10.0 | 3 / 1.0 / 9.0 |"), md);
        assertTrue(md.contains("| 100k | silver + rules + indicators | 10.0 | 2.0 | 5.0x |"), md);
        assertTrue(!md.contains("floor"), "no floor section without a floor measured");
        assertTrue(!md.contains("from the delivered files**"), "no comparison from the files when DuckDB read bronze");
    }

    @Test
    void duckDbsOwnIngestIsSetAgainstTheEnginesAndSoIsTheWholeFromTheFiles(@TempDir Path dir) throws IOException {
        // engine: ingest 10 s, silver 5, rules 5 (20 s); DuckDB: ingest 1.5 s, silver 1, rules 1 (3.5 s)
        Bench.Result r = result(100_000, 20, 2);
        List<Bench.Stage> stages = new java.util.ArrayList<>(r.stages());
        stages.add(new Bench.Stage(100_000, Bench.DUCKDB, "ingest", 1.5, 100_000, 0, 2L << 30, 0, 0, 0, 0));
        BenchReport report = new BenchReport(List.of(new Bench.Result(r.persons(), stages, r.check(), r.update(), null, null)),
                List.of(), "cmd", "env");
        report.write(dir);
        String md = Files.readString(dir.resolve("performance.md"));
        assertTrue(md.contains("| 100k | ingest | 10.0 | 1.5 | 6.7x |"), md);
        assertTrue(md.contains("| 100k | **ingest + run, from the delivered files** | **20.0** | **3.5** | **5.7x** |"), md);
        assertTrue(report.screen().contains("from the delivered files 20.0 s vs DuckDB 3.5 s (5.7x)"), report.screen());
    }

    @Test
    void theFloorIsSetAgainstTheEnginesIngestAndRun(@TempDir Path dir) throws IOException {
        // engine: ingest 10 s, run (silver + rules) 10 s; floor: ingest 4 s in 9 jobs and 9 commits, run 3 s in 20 and 17
        Bench.Result measured = result(100_000, 20, 2).withFloor(new Floor.Figures(4, 9, 9, 3, 20, 17));
        BenchReport report = new BenchReport(List.of(measured), List.of(), "cmd", "env");
        report.write(dir);
        String md = Files.readString(dir.resolve("performance.md"));
        assertTrue(md.contains("| 100k | ingest | 10.0 | 4.0 | 9 / 9 | 6.0 |"), md);
        assertTrue(md.contains("| 100k | run | 10.0 | 3.0 | 20 / 17 | 7.0 |"), md);
        assertTrue(md.contains("| 100k | **ingest + run** | **20.0** | **7.0** | 29 / 26 | 13.0 |"), md);
        assertTrue(report.screen().contains("100k persons: Spark's and Delta's floor for the same files and commits 7.0 s (ingest 4.0, run 3.0)"),
                report.screen());
    }
}
