package nl.buurtsignaal;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The council's report on a generated city of 15,000 ({@link GeneratedCity}, the models' city):
 * self-contained, its maps colour the neighbourhoods that
 * have a publishable score and hatch the others, its numbers are the open-data export's, nothing
 * below the disclosure threshold shows, and headless Chromium renders it to screenshots and a PDF
 * (kept under target/report-look/ to be looked at).
 */
class ReportIT extends SparkTestBase {
    static final String AS_OF = "2026-10-31";
    static final String GEMEENTE = "GM0402";

    @TempDir
    static Path work;
    static Path lakeDir;
    static Path out;
    static String html;

    @BeforeAll
    static void cityAndReport() throws Exception {
        lakeDir = GeneratedCity.get().lake;
        out = work.resolve("report");
        // observed against expected care stacking needs the model's gold.buurt_expected (ModelsIT,
        // which runs before in the same JVM, trains it on this city; alone, this class does)
        if (!lake(lakeDir).exists("gold.buurt_expected")) {
            assertEquals(0, cli("model", "train", "--lake", lakeDir.toString(), "--model", "care_expected"));
        }
        lake(lakeDir).registerAll();
        assertEquals(0, cli("report", "--lake", lakeDir.toString(), "--as-of", AS_OF, "--gemeente", GEMEENTE,
                "--out", out.toString(), "--pdf"));
        html = Files.readString(out.resolve("buurtsignaal-" + GEMEENTE + "-" + AS_OF + ".html"), StandardCharsets.UTF_8);
    }

    @Test
    void theReportIsOneFileThatFetchesNothing() {
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("<link"), "no linked style sheet");
        assertFalse(Pattern.compile("\\ssrc=").matcher(html).find(), "no image or frame fetched");
        assertFalse(html.contains("url(http"), "no remote style resource");
    }

    @Test
    void everyNeighbourhoodIsDrawnAndColouredOnlyWherePublishable() throws Exception {
        List<String> codes = new ArrayList<>();
        for (Row r : sql("SELECT buurt_code FROM silver.buurt WHERE gemeente_code = '" + GEMEENTE + "'").collectAsList()) {
            codes.add(r.getString(0));
        }
        for (String theme : List.of("undermining", "care_stacking")) {
            String map = html.substring(html.indexOf("data-theme=\"" + theme + "\""));
            map = map.substring(0, map.indexOf("</svg>"));
            for (String code : codes) {
                assertTrue(map.contains("data-buurt=\"" + code + "\""), theme + " map draws " + code);
            }
            Matcher suppressed = Pattern.compile("fill=\"url\\(#hatch-" + theme + "\\)\" data-buurt=\"(BU\\d{8})\" data-state=\"suppressed\"").matcher(map);
            int hatched = 0;
            while (suppressed.find()) {
                hatched++;
                // a hatched neighbourhood has at least half of its theme's indicators suppressed in the export
                Row n = sql("SELECT count_if(suppressed), count(*) FROM gold.buurt_indicator WHERE as_of = DATE'" + AS_OF
                        + "' AND theme = '" + theme + "' AND buurt_code = '" + suppressed.group(1) + "'").first();
                assertTrue(n.getLong(0) > 0, suppressed.group(1) + " is hatched without a suppressed indicator");
            }
            Matcher coloured = Pattern.compile("fill=\"(#[0-9a-f]{6})\" data-buurt=\"(BU\\d{8})\" data-state=\"(scored|flagged)\"").matcher(map);
            int shown = 0;
            while (coloured.find()) {
                shown++;
                Row score = sql("SELECT score, flagged FROM gold.buurt_score WHERE as_of = DATE'" + AS_OF + "' AND theme = '" + theme
                        + "' AND buurt_code = '" + coloured.group(2) + "'").first();
                assertEquals(nl.buurtsignaal.publish.Report.colourOf(score.getDouble(0), 2.0), coloured.group(1), coloured.group(2));
                assertEquals(score.getBoolean(1), coloured.group(3).equals("flagged"));
                Row n = sql("SELECT count_if(suppressed), count(*) FROM gold.buurt_indicator WHERE as_of = DATE'" + AS_OF
                        + "' AND theme = '" + theme + "' AND buurt_code = '" + coloured.group(2) + "'").first();
                assertTrue(n.getLong(0) * 2 < n.getLong(1) + 1, coloured.group(2) + " is coloured with most indicators suppressed");
            }
            assertTrue(hatched + shown > 0);
        }
    }

    @Test
    void theNumbersAreThePublishedExportsAndNothingBelowTheThresholdShows() throws Exception {
        Path published = work.resolve("open-data");
        assertEquals(0, cli("publish", "--lake", lakeDir.toString(), "--as-of", AS_OF, "--out", published.toString()));
        List<String> lines = Files.readAllLines(published.resolve("buurt_indicators_" + AS_OF + ".csv"));
        List<String> header = List.of(lines.get(0).split(","));
        int shownValues = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (!f[header.indexOf("gemeente_code")].equals(GEMEENTE)) {
                continue;
            }
            String indicator = f[header.indexOf("indicator_id")];
            String figure = html.substring(html.indexOf("data-indicator=\"" + indicator + "\""));
            figure = figure.substring(0, figure.indexOf("</figure>"));
            String name = f[header.indexOf("buurt_name")];
            if (f[header.indexOf("suppressed")].equals("true")) {
                assertFalse(figure.contains("<title>" + name + ":"), indicator + " shows suppressed " + name);
            } else {
                String value = String.format(Locale.ROOT, "%.1f", Double.parseDouble(f[header.indexOf("value")]));
                assertTrue(figure.contains("<title>" + name + ": " + value + "</title>"), indicator + " shows " + name + " at " + value);
                shownValues++;
            }
        }
        assertTrue(shownValues > 0);
        assertFalse(Pattern.compile("\\b\\d{16}\\b").matcher(html).find(), "no address or object id");
        assertFalse(html.contains("sig-"), "no signal");
    }

    @Test
    void chromiumRendersItAndThePdfHasPages() throws Exception {
        Path look = Files.createDirectories(nl.buurtsignaal.TestPaths.build().resolve("report-look"));
        Path html = out.resolve("buurtsignaal-" + GEMEENTE + "-" + AS_OF + ".html");
        Path pdf = out.resolve("buurtsignaal-" + GEMEENTE + "-" + AS_OF + ".pdf");
        assertTrue(Files.size(pdf) > 10_000, "a PDF was printed");
        Files.copy(pdf, look.resolve("report.pdf"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(html, look.resolve("report.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (int[] size : new int[][]{{1280, 2000}, {800, 4000}}) {
            Path png = look.resolve("report-" + size[0] + ".png").toAbsolutePath();
            run(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + Files.createTempDirectory(work, "chromium"), "--hide-scrollbars",
                    "--window-size=" + size[0] + "," + size[1], "--screenshot=" + png, html.toUri().toString()));
            assertTrue(Files.size(png) > 20_000, png + " has content");
        }
        run(List.of("pdftoppm", "-png", "-r", "60", look.resolve("report.pdf").toString(), look.resolve("page").toString()));
        try (var pages = Files.list(look)) {
            assertTrue(pages.filter(p -> p.getFileName().toString().startsWith("page")).count() >= 2, "the PDF has pages");
        }
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command.get(0) + " finished");
        assertEquals(0, p.exitValue(), String.join(" ", command));
    }

}
