package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.EngineException;
import nl.buurtsignaal.base.Progress;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import nl.buurtsignaal.publish.MapSvg;
import nl.buurtsignaal.publish.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the council's neighbourhood report: one self-contained HTML file per gemeente (maps per theme,",
                "indicators with the municipality's rate and trend, flagged neighbourhoods in words, care stacking against",
                "expected, the method), showing only what publish publishes. --pdf also prints it to PDF with headless Chromium."})
final class ReportCommand implements Callable<Integer> {
    @Mixin
    Main.Options options;

    @Option(names = "--as-of", required = true, paramLabel = "YYYY-MM-DD")
    LocalDate asOf;

    @Option(names = "--gemeente", paramLabel = "CODE", description = "One gemeente (GM0402); default every gemeente of the lake.")
    String gemeente;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write buurtsignaal-<gemeente>-<as_of>.html (and .pdf).")
    Path out;

    @Option(names = "--areas", paramLabel = "NAME",
            description = "The classification of areas to report in (default: the first of areas.run); its map is drawn from its own boundaries.")
    String areas;

    @Option(names = "--pdf", description = "Also write a PDF, through headless Chromium (setting report.chromium, default chromium).")
    boolean pdf;

    @Override
    public Integer call() throws IOException {
        EngineConfig config = options.config();
        Catalogue catalogue = Catalogue.load(config);
        String chosen = nl.buurtsignaal.lake.AreaRows.chosen(config, areas);
        nl.buurtsignaal.areas.Classification classification = nl.buurtsignaal.areas.Classification.chosen(config, List.of(chosen)).get(0);
        Path geo = config.resolve(config.settings().report().boundaries());
        boolean reference = chosen.equals(nl.buurtsignaal.lake.AreaRows.defaultAreas(config)) && classification.asDelivered();
        if (reference && !Files.isRegularFile(geo)) {
            throw new UsageException("neighbourhood boundaries not found: " + geo);
        }
        Lake lake = options.openExistingLake(config);
        if (!lake.exists(Tables.BUURT_INDICATOR) || !lake.exists(Tables.SILVER_BUURT)) {
            throw new UsageException("no indicators in the lake: run 'run --as-of " + asOf + "' first");
        }
        return options.audited(lake, config, "report", false, audit -> {
            Map<String, String> gemeenten = Report.gemeenten(lake, config, asOf, chosen);
            if (gemeenten.isEmpty()) {
                throw new UsageException("no indicators for as_of " + asOf + " in areas " + chosen + " in the lake (run 'run --as-of "
                        + asOf + " --areas " + chosen + "')");
            }
            List<String> codes = new ArrayList<>();
            if (gemeente != null) {
                if (!gemeenten.containsKey(gemeente)) {
                    throw new UsageException("gemeente " + gemeente + " has no data for " + asOf + " (the lake has data for "
                            + String.join(", ", gemeenten.keySet()) + ")");
                }
                codes.add(gemeente);
            } else {
                codes.addAll(gemeenten.keySet());
            }
            Progress progress = Progress.stderr("report");
            // the default classification as delivered is drawn from report.boundaries, any other from its own GeoJSON
            var boundaries = reference ? MapSvg.read(geo) : nl.buurtsignaal.areas.Classification.mapGeoJson(config, chosen);
            String register = config.settings().report().registerUrl();
            List<String> written = new ArrayList<>();
            try {
                Files.createDirectories(out);
                for (String code : codes) {
                    Report.Data data = Report.load(lake, config, catalogue, asOf, code, chosen, classification.title());
                    Path html = out.resolve("buurtsignaal-" + code + "-" + (reference ? "" : chosen + "-") + asOf + ".html");
                    Files.writeString(html, Report.html(data, boundaries, catalogue, config, register), StandardCharsets.UTF_8);
                    progress.info("wrote " + html);
                    written.add(html.getFileName().toString());
                    if (pdf) {
                        Path file = html.resolveSibling(html.getFileName().toString().replace(".html", ".pdf"));
                        printPdf(config.settings().report().chromium(), html, file);
                        progress.info("wrote " + file);
                    }
                }
            } catch (IOException e) {
                throw new EngineException("cannot write the report to " + out + ": " + e.getMessage());
            }
            audit.details("as_of " + asOf + ": " + String.join(", ", written) + (pdf ? " and PDF" : ""));
            return Main.OK;
        });
    }

    /** Headless Chromium prints the page to PDF; no network (the page fetches nothing), a profile of its own. */
    static void printPdf(String chromium, Path html, Path pdf) throws IOException {
        Path profile = Files.createTempDirectory("buurtsignaal-chromium");
        List<String> command = List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--no-pdf-header-footer", "--print-to-pdf=" + pdf.toAbsolutePath(),
                html.toAbsolutePath().toUri().toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UsageException("--pdf needs headless Chromium ('" + chromium + "' not found; apt-get install chromium, or set report.chromium)");
        }
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new EngineException("Chromium did not print the PDF within 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while Chromium printed the PDF");
        } finally {
            nl.buurtsignaal.base.FileTrees.deleteRecursively(profile);
        }
        if (process.exitValue() != 0 || !Files.isRegularFile(pdf) || Files.size(pdf) == 0) {
            throw new EngineException("Chromium could not print " + html.getFileName() + " to PDF (exit " + process.exitValue() + ")");
        }
    }
}
