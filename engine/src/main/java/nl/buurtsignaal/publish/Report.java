package nl.buurtsignaal.publish;

import com.fasterxml.jackson.databind.JsonNode;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.CatalogueEntry;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.Tables;
import nl.buurtsignaal.scoring.Disclosure;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.*;

/**
 * The council's report of one gemeente and as_of: one self-contained HTML file (styles inline,
 * maps as SVG drawn here, no script, nothing fetched) with a choropleth map per theme, the
 * indicators as small multiples with the municipality's rate and its trend, the flagged
 * neighbourhoods in words, observed against expected care stacking, and the method in Dutch and
 * English. It shows only what {@code publish} publishes: the indicator values of the open-data
 * export (suppressed where the counts are small, counts rounded to 5), a theme score only where
 * most of its weight rests on indicators published there, and no address, person or signal.
 */
public final class Report {
    private static final String[] COLOURS = {"#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"};
    /** The lower classes of the map; the top class starts at scoring.flag_min_score, where neighbourhoods are flagged. */
    private static final double[] LOWER_BREAKS = {-1.0, 0.0, 1.0};

    /** What the report of one gemeente shows, read from the lake. */
    public record Data(String gemeenteCode, String gemeenteName, LocalDate asOf, String methodVersion,
                       Map<String, String> buurtNames, Map<String, String> buurtWijk,
                       Map<String, Map<String, Score>> scores, Map<String, List<Value>> values,
                       Map<String, Map<LocalDate, Double>> trend, Map<String, Double> rate,
                       List<Expected> expected, long minDenominator) {
    }

    /** A neighbourhood's theme score as published: null score where it is suppressed. */
    public record Score(Double score, Integer rank, boolean flagged, List<String[]> contributions) {
    }

    /** One neighbourhood's published value of an indicator (null where suppressed). */
    public record Value(String buurtCode, Double value, Long numerator, Long denominator, boolean suppressed) {
    }

    public record Expected(String indicatorId, String buurtCode, long observed, double expected, double ratio, double lower,
                           double upper) {
    }

    private Report() {
    }

    /** The gemeenten with data on as_of (a denominator above 0), by code: the ones a report can be made for. */
    public static Map<String, String> gemeenten(Lake lake, LocalDate asOf) {
        Map<String, String> out = new TreeMap<>();
        // a gemeente of the reference without data (every denominator 0) has nothing to report
        lake.read(Tables.BUURT_INDICATOR).filter(Lake.isAsOf(asOf).and(col("denominator").gt(0))).select("buurt_code").distinct()
                .join(lake.read(Tables.SILVER_BUURT), "buurt_code").select("gemeente_code", "gemeente_name").distinct()
                .collectAsList().forEach(r -> out.put(r.getString(0), r.getString(1)));
        return out;
    }

    public static Data load(Lake lake, EngineConfig config, Catalogue catalogue, LocalDate asOf, String gemeenteCode) {
        Disclosure disclosure = Disclosure.of(config);
        long minDenominator = disclosure.minDenominator();
        Dataset<Row> buurten = lake.read(Tables.SILVER_BUURT).filter(col("gemeente_code").equalTo(gemeenteCode));
        Map<String, String> names = new TreeMap<>();
        Map<String, String> wijk = new TreeMap<>();
        String gemeenteName = null;
        for (Row r : buurten.collectAsList()) {
            names.put(r.getAs("buurt_code"), r.getAs("buurt_name"));
            wijk.put(r.getAs("buurt_code"), r.getAs("wijk_name"));
            gemeenteName = r.getAs("gemeente_name");
        }
        if (names.isEmpty()) {
            throw new UsageException("no neighbourhoods of gemeente " + gemeenteCode + " in silver.buurt (codes look like GM0402)");
        }
        Dataset<Row> published = OpenData.export(lake.read(Tables.BUURT_INDICATOR), lake.read(Tables.SILVER_BUURT), asOf, disclosure)
                .filter(col("gemeente_code").equalTo(gemeenteCode));
        Map<String, List<Value>> values = new LinkedHashMap<>();
        Map<String, Map<String, Boolean>> suppressedOf = new TreeMap<>();
        for (Row r : published.orderBy("indicator_id", "buurt_code").collectAsList()) {
            String id = r.getAs("indicator_id");
            values.computeIfAbsent(id, k -> new ArrayList<>()).add(new Value(r.getAs("buurt_code"), r.getAs("value"),
                    r.getAs("numerator"), r.getAs("denominator"), r.<Boolean>getAs("suppressed")));
            suppressedOf.computeIfAbsent(r.getAs("buurt_code"), k -> new TreeMap<>()).put(id, r.<Boolean>getAs("suppressed"));
        }
        if (values.isEmpty()) {
            throw new UsageException("no indicators for as_of " + asOf + " in gemeente " + gemeenteCode + ": run it first");
        }
        // The municipality's rate per indicator and as_of: all its neighbourhoods' counts together, under the same control.
        Map<String, Integer> scale = new LinkedHashMap<>();
        catalogue.indicators().forEach(e -> scale.put(e.id(), e.scale()));
        Map<String, Map<LocalDate, Double>> trend = new TreeMap<>();
        Dataset<Row> totals = lake.read(Tables.BUURT_INDICATOR).join(buurten.select("buurt_code"), "buurt_code")
                .groupBy("as_of", "indicator_id").agg(sum("numerator").as("n"), sum("denominator").as("d"));
        for (Row r : totals.collectAsList()) {
            long n = r.getLong(2);
            long d = r.getLong(3);
            if (!disclosure.suppressed(n, d)) {
                trend.computeIfAbsent(r.getString(1), k -> new TreeMap<>())
                        .put(r.getDate(0).toLocalDate(), n * (double) scale.getOrDefault(r.getString(1), 100) / d);
            }
        }
        Map<String, Double> rate = new TreeMap<>();
        trend.forEach((id, byDate) -> {
            if (byDate.containsKey(asOf)) {
                rate.put(id, byDate.get(asOf));
            }
        });
        Map<String, Map<String, Score>> scores = new LinkedHashMap<>();
        String method = "";
        Dataset<Row> scoreRows = lake.read(Tables.BUURT_SCORE).filter(Lake.isAsOf(asOf)).join(buurten.select("buurt_code"), "buurt_code");
        for (Row r : scoreRows.collectAsList()) {
            String theme = r.getAs("theme");
            String buurt = r.getAs("buurt_code");
            method = r.getAs("method_version");
            // A score is shown where most of its weight rests on indicators published there.
            double publishedWeight = 0;
            double allWeight = 0;
            for (Map.Entry<String, Double> w : config.settings().scoring().weights().get(theme).entrySet()) {
                double weight = w.getValue();
                allWeight += weight;
                if (!suppressedOf.getOrDefault(buurt, Map.of()).getOrDefault(w.getKey(), true)) {
                    publishedWeight += weight;
                }
            }
            boolean hidden = !Disclosure.scoreShown(publishedWeight, allWeight);
            List<String[]> contributions = new ArrayList<>();
            if (!hidden) {
                for (Row c : r.<Row>getList(r.fieldIndex("contributions"))) {
                    // a suppressed indicator's contribution would carry its z-score, so it is left out
                    if (suppressedOf.getOrDefault(buurt, Map.of()).getOrDefault(c.getString(0), true)) {
                        continue;
                    }
                    contributions.add(new String[]{c.getString(0), String.format(Locale.ROOT, "%+.2f", c.getDouble(1))});
                }
            }
            scores.computeIfAbsent(theme, k -> new TreeMap<>()).put(buurt, hidden ? new Score(null, null, false, List.of())
                    : new Score(r.getAs("score"), r.getAs("rank"), r.<Boolean>getAs("flagged"), contributions));
        }
        List<Expected> expected = new ArrayList<>();
        if (lake.exists(Tables.BUURT_EXPECTED)) {
            for (Row r : lake.read(Tables.BUURT_EXPECTED).filter(Lake.isAsOf(asOf)).join(buurten.select("buurt_code"), "buurt_code")
                    .orderBy("indicator_id", "buurt_code").collectAsList()) {
                String buurt = r.getAs("buurt_code");
                String id = r.getAs("indicator_id");
                if (!suppressedOf.getOrDefault(buurt, Map.of()).getOrDefault(id, true) && r.getAs("ratio") != null) {
                    expected.add(new Expected(id, buurt, r.<Long>getAs("observed"), r.getAs("expected"), r.getAs("ratio"),
                            r.getAs("lower"), r.getAs("upper")));
                }
            }
        }
        return new Data(gemeenteCode, gemeenteName, asOf, method, names, wijk, scores, values, trend, rate, expected, minDenominator);
    }

    /** The report as one HTML file. */
    public static String html(Data d, JsonNode geojson, Catalogue catalogue, EngineConfig config, String registerLink) {
        Map<String, CatalogueEntry> entries = new LinkedHashMap<>();
        catalogue.indicators().forEach(e -> entries.put(e.id(), e));
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">\n<title>Buurtsignaal ").append(esc(d.gemeenteName()))
                .append(" ").append(d.asOf()).append("</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>")
                .append(STYLE).append("</style></head><body>\n");
        h.append("<header><h1>Buurtsignaal: ").append(esc(d.gemeenteName())).append("</h1><p class=\"sub\">Wijk- en buurtbeeld per ")
                .append(d.asOf()).append(" · neighbourhood report as of ").append(d.asOf()).append(" · methode / method ")
                .append(esc(d.methodVersion())).append("</p>\n<p>Dit verslag toont alleen cijfers per buurt die openbaar mogen worden: geen adres, "
                        + "geen persoon, geen signaal. Kleine aantallen zijn onderdrukt. <span class=\"en\">This report shows only "
                        + "neighbourhood figures that may be published: no address, no person, no signal; small counts are suppressed.</span></p></header>\n");
        h.append("<nav><a href=\"#kaarten\">Kaarten / Maps</a> · <a href=\"#indicatoren\">Indicatoren / Indicators</a> · "
                + "<a href=\"#opvallend\">Opvallende buurten / Flagged</a> · <a href=\"#zorg\">Zorgstapeling verwacht / Care expected</a> · "
                + "<a href=\"#methode\">Methode / Method</a></nav>\n");

        MapSvg.Drawing drawing = MapSvg.draw(geojson, new ArrayList<>(d.buurtNames().keySet()), 560);
        h.append("<section id=\"kaarten\"><h2>Kaarten per thema <span class=\"en\">/ maps per theme</span></h2>\n<div class=\"maps\">");
        for (String theme : config.themes()) {
            h.append(map(theme, d, drawing, config.settings().scoring().flagMinScore()));
        }
        h.append("</div>").append(legend(config.settings().scoring().flagMinScore())).append("</section>\n");

        h.append("<section id=\"indicatoren\"><h2>Indicatoren per buurt <span class=\"en\">/ indicators per neighbourhood</span></h2>\n"
                + "<p>Elke stip is een buurt; de lijn is het cijfer van de gemeente. Rechts: het gemeentecijfer over de peildata in het meer. "
                + "<span class=\"en\">Each dot is a neighbourhood; the line is the municipality's rate. Right: the municipality's rate over the "
                + "reference dates in the lake.</span></p>\n<div class=\"multiples\">");
        for (Map.Entry<String, List<Value>> e : d.values().entrySet()) {
            h.append(multiple(e.getKey(), e.getValue(), d, entries.get(e.getKey())));
        }
        h.append("</div></section>\n");

        h.append("<section id=\"opvallend\"><h2>Opvallende buurten <span class=\"en\">/ flagged neighbourhoods</span></h2>\n");
        for (String theme : config.themes()) {
            h.append(flagged(theme, d, entries));
        }
        h.append("</section>\n");

        h.append("<section id=\"zorg\"><h2>Zorgstapeling: waargenomen tegen verwacht <span class=\"en\">/ care stacking: observed against expected</span></h2>\n");
        h.append(expected(d, entries));
        h.append("</section>\n");

        h.append("<section id=\"methode\"><h2>Methode <span class=\"en\">/ method</span></h2>\n");
        h.append(method(d, catalogue, config, registerLink));
        h.append("</section>\n<footer>Gemaakt door <code>bin/buurtsignaal report</code> uit het meer; methode ").append(esc(d.methodVersion()))
                .append(". <span class=\"en\">Made by bin/buurtsignaal report from the lake.</span></footer>\n</body></html>\n");
        return h.toString();
    }

    private static String map(String theme, Data d, MapSvg.Drawing drawing, double flagAt) {
        StringBuilder s = new StringBuilder();
        s.append("<figure class=\"map\"><figcaption>").append(themeName(theme)).append("</figcaption>\n");
        s.append(String.format(Locale.ROOT, "<svg viewBox=\"-2 -2 %.0f %.0f\" role=\"img\" aria-label=\"%s\" data-theme=\"%s\">",
                drawing.width() + 4, drawing.height() + 4, esc(themeName(theme)), theme));
        s.append("<defs><pattern id=\"hatch-").append(theme).append("\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
                + "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
                + "stroke=\"#999\" stroke-width=\"2\"/></pattern></defs>");
        Map<String, Score> scores = d.scores().getOrDefault(theme, Map.of());
        for (MapSvg.Shape shape : drawing.shapes()) {
            Score score = scores.get(shape.buurtCode());
            String fill;
            String label;
            String state;
            if (score == null) {
                fill = "#eeeeee";
                label = "geen gegevens / no data";
                state = "none";
            } else if (score.score() == null) {
                fill = "url(#hatch-" + theme + ")";
                label = "onderdrukt: kleine aantallen / suppressed: small counts";
                state = "suppressed";
            } else {
                fill = colourOf(score.score(), flagAt);
                label = String.format(Locale.ROOT, "score %.2f, rang %d%s", score.score(), score.rank(), score.flagged() ? ", opvallend / flagged" : "");
                state = score.flagged() ? "flagged" : "scored";
            }
            s.append("<path d=\"").append(shape.path()).append("\" fill=\"").append(fill).append("\" data-buurt=\"")
                    .append(shape.buurtCode()).append("\" data-state=\"").append(state).append("\" class=\"").append(state)
                    .append("\"><title>").append(esc(shape.buurtName())).append(" (").append(shape.buurtCode()).append("): ")
                    .append(esc(label)).append("</title></path>");
        }
        s.append("</svg></figure>\n");
        return s.toString();
    }

    /** The map's colour of a published score (the legend's classes; the darkest from the flag threshold up). */
    public static String colourOf(double score, double flagAt) {
        int i = 0;
        while (i < LOWER_BREAKS.length && score >= LOWER_BREAKS[i]) {
            i++;
        }
        return score >= flagAt ? COLOURS[4] : COLOURS[Math.min(i, 3)];
    }

    private static String legend(double flagAt) {
        StringBuilder s = new StringBuilder("<div class=\"legend\"><span>Score:</span>");
        String flag = number(flagAt);
        String[] labels = {"< −1", "−1 tot 0", "0 tot 1", "1 tot " + flag, "≥ " + flag + " (opvallend / flagged)"};
        for (int i = 0; i < COLOURS.length; i++) {
            s.append("<span><i style=\"background:").append(COLOURS[i]).append("\"></i>").append(labels[i]).append("</span>");
        }
        s.append("<span><i class=\"hatched\"></i>onderdrukt / suppressed</span><span><i style=\"background:#eee\"></i>geen gegevens / no data</span>");
        s.append("</div><p class=\"note\">Wijs een buurt aan voor de naam en score. <span class=\"en\">Point at a neighbourhood for its name "
                + "and score.</span> De score is een gewogen robuuste z-score van de indicatoren van het thema (0 = zoals de mediaan).</p>\n");
        return s.toString();
    }

    private static String multiple(String id, List<Value> values, Data d, CatalogueEntry entry) {
        double max = 0;
        for (Value v : values) {
            if (v.value() != null) {
                max = Math.max(max, v.value());
            }
        }
        Double rate = d.rate().get(id);
        if (rate != null) {
            max = Math.max(max, rate);
        }
        max = max <= 0 ? 1 : max * 1.1;
        StringBuilder s = new StringBuilder("<figure class=\"multiple\" data-indicator=\"").append(id).append("\"><figcaption><b>")
                .append(esc(id.replace('_', ' '))).append("</b><br><small>").append(esc(entry == null ? "" : described(entry)))
                .append("</small></figcaption>");
        double w = 260;
        s.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %.0f 40\" class=\"strip\">", w));
        s.append("<line x1=\"0\" y1=\"30\" x2=\"").append(w).append("\" y2=\"30\" stroke=\"#bbb\"/>");
        int shown = 0;
        for (Value v : values) {
            if (v.value() == null) {
                continue;
            }
            shown++;
            double x = v.value() / max * (w - 10) + 5;
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"22\" r=\"3.5\" fill=\"#2b6c8f\" fill-opacity=\"0.6\"><title>%s: %.1f</title></circle>",
                    x, esc(d.buurtNames().getOrDefault(v.buurtCode(), v.buurtCode())), v.value()));
        }
        if (rate != null) {
            double x = rate / max * (w - 10) + 5;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"8\" x2=\"%.1f\" y2=\"34\" stroke=\"#b30000\" stroke-width=\"2\"><title>%s: %.1f</title></line>",
                    x, x, esc(d.gemeenteName()), rate));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"40\" font-size=\"8\">0</text><text x=\"%.0f\" y=\"40\" font-size=\"8\" text-anchor=\"end\">%.1f</text></svg>",
                w, max));
        s.append(sparkline(d.trend().getOrDefault(id, Map.of())));
        long hidden = values.stream().filter(Value::suppressed).count();
        s.append("<p class=\"note\">").append(rate == null ? "gemeente: onderdrukt" : String.format(Locale.ROOT, "gemeente %.1f", rate))
                .append(" per ").append(entry == null ? "" : entry.scale()).append(" · ").append(shown).append(" buurten getoond, ")
                .append(hidden).append(" onderdrukt</p></figure>\n");
        return s.toString();
    }

    private static String sparkline(Map<LocalDate, Double> trend) {
        if (trend.size() < 2) {
            return "<p class=\"note\">trend: één peildatum / one reference date</p>";
        }
        double min = trend.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = trend.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        double span = max - min == 0 ? 1 : max - min;
        StringBuilder points = new StringBuilder();
        int i = 0;
        for (Map.Entry<LocalDate, Double> e : trend.entrySet()) {
            double x = 5 + i * 110.0 / (trend.size() - 1);
            double y = 25 - (e.getValue() - min) / span * 20;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            i++;
        }
        LocalDate first = trend.keySet().iterator().next();
        LocalDate last = ((java.util.TreeMap<LocalDate, Double>) trend).lastKey();
        return "<svg viewBox=\"0 0 120 30\" class=\"trend\"><polyline fill=\"none\" stroke=\"#b30000\" stroke-width=\"1.5\" points=\""
                + points.toString().strip() + "\"><title>" + first + " … " + last + "</title></polyline></svg>";
    }

    private static String flagged(String theme, Data d, Map<String, CatalogueEntry> entries) {
        StringBuilder s = new StringBuilder("<h3>").append(themeName(theme)).append("</h3>\n");
        List<Map.Entry<String, Score>> flagged = new ArrayList<>();
        d.scores().getOrDefault(theme, Map.of()).entrySet().stream()
                .filter(e -> e.getValue().score() != null && e.getValue().flagged())
                .sorted((a, b) -> Integer.compare(a.getValue().rank(), b.getValue().rank())).forEach(flagged::add);
        if (flagged.isEmpty()) {
            s.append("<p>Geen buurt valt op (of de aantallen zijn te klein om te tonen). <span class=\"en\">No neighbourhood is flagged "
                    + "(or its counts are too small to show).</span></p>\n");
            return s.toString();
        }
        s.append("<ul class=\"flagged\">");
        for (Map.Entry<String, Score> e : flagged) {
            Score score = e.getValue();
            s.append("<li><b>").append(esc(d.buurtNames().getOrDefault(e.getKey(), e.getKey()))).append("</b> (")
                    .append(esc(d.buurtWijk().getOrDefault(e.getKey(), ""))).append(String.format(Locale.ROOT, ") scoort %.2f: ", score.score()))
                    .append("vooral door ");
            List<String> words = new ArrayList<>();
            for (String[] c : score.contributions().subList(0, Math.min(3, score.contributions().size()))) {
                CatalogueEntry entry = entries.get(c[0]);
                words.add(esc(entry == null ? c[0] : shortDescription(entry)) + " (" + c[1] + ")");
            }
            s.append(String.join(", ", words)).append(".</li>");
        }
        s.append("</ul>\n");
        return s.toString();
    }

    private static String expected(Data d, Map<String, CatalogueEntry> entries) {
        if (d.expected().isEmpty()) {
            return "<p>Nog geen model voor verwachte zorgstapeling in het meer (<code>bin/buurtsignaal model train --model care_expected</code>). "
                    + "<span class=\"en\">No expected care stacking in the lake yet.</span></p>\n";
        }
        StringBuilder s = new StringBuilder("<p>Wat de samenstelling van een buurt (huishoudgrootte, leeftijd, WOZ-niveau, verhuizingen) doet "
                + "verwachten, naast wat er is. Een verhouding boven 1 met een interval dat 1 niet raakt: meer zorgstapeling dan de bevolking verklaart. "
                + "<span class=\"en\">What a neighbourhood's make-up predicts, beside what was observed; a ratio above 1 whose interval clears 1 means "
                + "more care stacking than the population explains.</span></p>\n");
        List<String> indicators = d.expected().stream().map(Expected::indicatorId).distinct().toList();
        Map<String, Map<String, Expected>> byBuurt = new TreeMap<>();
        d.expected().forEach(e -> byBuurt.computeIfAbsent(e.buurtCode(), k -> new LinkedHashMap<>()).put(e.indicatorId(), e));
        s.append("<p class=\"note\">Per cel: waargenomen / verwacht (afgerond op vijftallen) en de verhouding met haar 95 %-interval; "
                + "▲ meer dan verwacht, ▼ minder, buiten toeval. <span class=\"en\">Per cell: observed / expected (rounded to 5) and the "
                + "ratio with its 95 % interval; ▲ more than expected, ▼ fewer, beyond chance.</span></p>\n");
        s.append("<table class=\"expected\"><thead><tr><th>buurt</th>");
        for (String id : indicators) {
            CatalogueEntry entry = entries.get(id);
            s.append("<th>").append(esc(id.replace('_', ' '))).append(entry == null ? "" : "<br><small>" + esc(shortDescription(entry)) + "</small>")
                    .append("</th>");
        }
        s.append("</tr></thead><tbody>");
        for (Map.Entry<String, Map<String, Expected>> row : byBuurt.entrySet()) {
            s.append("<tr><td>").append(esc(d.buurtNames().getOrDefault(row.getKey(), row.getKey()))).append("</td>");
            for (String id : indicators) {
                Expected e = row.getValue().get(id);
                if (e == null) {
                    s.append("<td class=\"none\">onderdrukt</td>");
                    continue;
                }
                boolean above = e.lower() > 1;
                boolean below = e.upper() < 1;
                s.append("<td class=\"").append(above ? "above" : below ? "below" : "").append("\">")
                        .append(Disclosure.rounded(e.observed())).append(" / ").append(Disclosure.rounded(e.expected()))
                        .append(String.format(Locale.ROOT, "<br>%.2f (%.2f–%.2f)%s</td>", e.ratio(), e.lower(), e.upper(),
                                above ? " ▲" : below ? " ▼" : ""));
            }
            s.append("</tr>");
        }
        s.append("</tbody></table>\n");
        return s.toString();
    }

    private static String method(Data d, Catalogue catalogue, EngineConfig config, String registerLink) {
        StringBuilder s = new StringBuilder();
        s.append("<p>Per buurt berekent buurtsignaal indicatoren uit de basisregistraties (BRP, BAG, Handelsregister, WOZ, Kadaster), "
                + "handhavingszaken en — alleen als aantallen per buurt — voorzieningen in het sociaal domein. Per thema worden de indicatoren "
                + "eerst naar het gemeentecijfer getrokken waar de aantallen klein zijn (empirical Bayes), dan omgerekend naar een robuuste "
                + "z-score en gewogen opgeteld; een buurt valt op bij een score van ten minste ")
                .append(config.settings().scoring().flagMinScore()).append(".</p>\n<p class=\"en\">For each neighbourhood buurtsignaal computes "
                        + "indicators from the base registries, enforcement cases and, only as counts per neighbourhood, social-domain provisions. "
                        + "Per theme the indicators are shrunk toward the municipality's rate where counts are small, turned into robust z-scores "
                        + "and added up with weights; a neighbourhood is flagged at a score of at least ")
                .append(config.settings().scoring().flagMinScore()).append(".</p>\n");
        s.append("<p><b>Onthullingscontrole / disclosure control.</b> Een waarde wordt niet getoond waar de noemer kleiner is dan ")
                .append(d.minDenominator()).append(" of de teller tussen 1 en 4 ligt; aantallen zijn afgerond op vijftallen; een themascore wordt "
                        + "alleen getoond waar het grootste deel van zijn gewicht op getoonde indicatoren rust. <span class=\"en\">A value is withheld where its denominator is "
                        + "below ").append(d.minDenominator()).append(" or its numerator is between 1 and 4; counts are rounded to multiples of 5; a theme "
                        + "score is shown only where most of its weight rests on indicators that are published there. The same control as the open-data export.</span></p>\n");
        s.append("<p>Methodeversie / method version <code>").append(esc(d.methodVersion())).append("</code>. Register: <a href=\"")
                .append(esc(registerLink)).append("\">Algoritmeregister-beschrijving / register entry</a>.</p>\n");
        s.append("<table class=\"method\"><thead><tr><th>indicator</th><th>thema</th><th>betekenis / meaning</th><th>bron / source</th>"
                + "<th>Nederlandse praktijk / Dutch practice</th></tr></thead><tbody>");
        for (CatalogueEntry e : catalogue.indicators()) {
            s.append("<tr><td><code>").append(e.id()).append("</code></td><td>").append(themeName(e.theme())).append("</td><td>")
                    .append(esc(described(e))).append("</td><td>").append(esc(String.join(", ", e.sources())))
                    .append("</td><td>").append(esc(oneLine(e.practice() == null ? "" : e.practice()))).append("</td></tr>");
        }
        s.append("</tbody></table>\n");
        return s.toString();
    }

    static String themeName(String theme) {
        return switch (theme) {
            case "undermining" -> "Ondermijning <span class=\"en\">/ undermining</span>";
            case "care_stacking" -> "Zorgstapeling <span class=\"en\">/ care stacking</span>";
            default -> esc(theme);
        };
    }

    /** The catalogue's description with each parameter's name replaced by its value ("the last 24 months"). */
    static String described(CatalogueEntry e) {
        String text = oneLine(e.description());
        for (Map.Entry<String, Object> p : e.parameters().entrySet()) {
            Object v = p.getValue();
            String value = v instanceof List<?> list ? "the configured list" : String.valueOf(v);
            text = text.replaceAll("\\b" + java.util.regex.Pattern.quote(p.getKey()) + "\\b", java.util.regex.Matcher.quoteReplacement(value));
        }
        return text;
    }

    private static String shortDescription(CatalogueEntry e) {
        String text = described(e);
        int cut = text.indexOf(',');
        return cut > 0 && cut < 90 ? text.substring(0, cut) : text.length() > 90 ? text.substring(0, 90) + "…" : text;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }

    static String esc(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String STYLE = """
            body{font-family:"DejaVu Sans",Arial,sans-serif;color:#222;margin:0 auto;max-width:1180px;padding:0 24px 40px;line-height:1.45}
            header h1{margin:24px 0 4px;font-size:28px}.sub{color:#555;margin:0 0 8px}.en{color:#555;font-style:italic}
            nav{margin:12px 0 8px;padding:8px 0;border-top:1px solid #ddd;border-bottom:1px solid #ddd}nav a{color:#1d5a7a}
            h2{margin-top:32px;border-bottom:2px solid #b30000;padding-bottom:4px;font-size:21px}h3{font-size:17px}
            .maps{display:flex;flex-wrap:wrap;gap:20px}.map{margin:0;flex:1 1 520px}.map svg{width:100%;height:auto;max-height:520px}
            .map path{stroke:#fff;stroke-width:0.8}.map path:hover{stroke:#000;stroke-width:2}.map figcaption{font-weight:bold;margin-bottom:4px}
            .legend{display:flex;flex-wrap:wrap;gap:14px;font-size:13px;margin-top:8px}.legend i{display:inline-block;width:16px;height:12px;margin-right:4px;vertical-align:middle;border:1px solid #ccc}
            .legend i.hatched{background:repeating-linear-gradient(45deg,#fff 0 3px,#999 3px 5px)}
            .note{font-size:12px;color:#555;margin:4px 0}
            .multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:14px}
            .multiple{margin:0;padding:8px;border:1px solid #e3e3e3;border-radius:4px;break-inside:avoid}.multiple figcaption{font-size:13px}
            .strip{width:100%;height:44px}svg.trend{width:120px;height:30px;display:block}
            table{border-collapse:collapse;font-size:13px;width:100%}th,td{border-bottom:1px solid #e3e3e3;padding:4px 6px;text-align:left;vertical-align:top}
            td.above{background:#fde0dd}td.below{background:#e0f0f8}td.none{color:#999}footer{margin-top:40px;font-size:12px;color:#666}
            @media print{nav{display:none}body{max-width:none;padding:0 12px}h2{break-after:avoid}section{break-inside:auto}.map{flex:1 1 45%}}
            """;
}
