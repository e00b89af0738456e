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
                new Bench.Stage(persons, Bench.ENGINE, "ingest", engineRun / 2, persons, ingestHeap, 2L << 30, 8, 8),
                new Bench.Stage(persons, Bench.ENGINE, "silver", engineRun / 4, persons, 1 << 30, 2L << 30, 10, 10),
                new Bench.Stage(persons, Bench.ENGINE, "rules", engineRun / 4, persons, 1 << 30, 2L << 30, 1, 1),
                new Bench.Stage(persons, Bench.DUCKDB, "silver", duckdb / 2, persons, 0, 2L << 30, 0, 0),
                new Bench.Stage(persons, Bench.DUCKDB, "rules", duckdb / 2, persons, 0, 2L << 30, 0, 0)), EQUAL,
                new Bench.Update(1, engineRun / 8, engineRun / 2, "1/10 silver tables, 0/9 rules, 5/13 indicators"));
    }

    private static List<String> verdicts(double demo, Bench.Result oneMillion, Bench.Result fiveMillion) {
        return new BenchReport(List.of(oneMillion, fiveMillion), List.of(demo), "cmd", "env").targets()
                .stream().map(target -> target.get(2)).toList();
    }

    @Test
    void theDemoIsJudgedOnTheMedianOfItsRuns() {
        Bench.Result oneMillion = result(1_000_000, 180, 30);
        Bench.Result fiveMillion = result(5_000_000, 900, 300);
        List<List<String>> slowOutlier = new BenchReport(List.of(oneMillion, fiveMillion), List.of(59.0, 77.5, 58.0), "cmd", "env").targets();
        assertEquals("yes", slowOutlier.get(0).get(2));
        assertEquals("median 59.0 s of 3 runs (59.0, 77.5, 58.0)", slowOutlier.get(0).get(1));
        List<List<String>> oneFastRun = new BenchReport(List.of(oneMillion, fiveMillion), List.of(61.0, 50.0, 62.0), "cmd", "env").targets();
        assertEquals("**no**", oneFastRun.get(0).get(2));
    }

    @Test
    void targetsAreJudgedAtTheirEdges() {
        // demo 60 s; 1M: ingest + run 180 s, silver + rules 90 s against DuckDB's 30 s (3x); 5M: 900 s = 5 x 180 s
        assertEquals(List.of("yes", "yes", "yes", "yes", "yes", "yes"),
                verdicts(60, result(1_000_000, 180, 30), result(5_000_000, 900, 300)));
        // just over every edge (a heap peak of 16 GiB is still within, one byte more is not)
        assertEquals(List.of("yes"), verdicts(60, result(1_000_000, 180, 30),
                result(5_000_000, 900, 300, 16L << 30)).subList(5, 6));
        assertEquals(List.of("**no**", "**no**", "**no**", "**no**", "**no**", "**no**"),
                verdicts(60.1, result(1_000_000, 180.4, 30), result(5_000_000, 902.5, 300, (16L << 30) + 1)));
    }

    @Test
    void csvAndMarkdownCarryEveryStage(@TempDir Path dir) throws IOException {
        BenchReport report = new BenchReport(List.of(result(100_000, 20, 2)), List.of(), "cmd", "env");
        report.write(dir);
        List<String> csv = Files.readAllLines(dir.resolve("performance.csv"));
        assertEquals(1 + 5, csv.size());
        assertEquals("100000,engine,ingest,10.00,100000,10000,1024,2048,8,8", csv.get(1));
        String md = Files.readString(dir.resolve("performance.md"));
        assertTrue(md.contains("| 100k | engine | **ingest + run** | **20.0** |"), md);
        assertTrue(md.contains("| 100k | silver + rules + indicators | 10.0 | 2.0 | 5.0x |"), md);
    }
}
