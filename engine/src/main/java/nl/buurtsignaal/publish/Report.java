package nl.buurtsignaal.publish;

import com.fasterxml.jackson.databind.JsonNode;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.CatalogueEntry;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.lake.AreaRows;
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
    /** The width of a small multiple's strip, as the template draws it (html/report.jte). */
    private static final double STRIP_WIDTH = 260;

    /** What the report of one gemeente shows, read from the lake. */
    public record Data(String gemeenteCode, String gemeenteName, LocalDate asOf, String methodVersion,
                       Map<String, String> buurtNames, Map<String, String> buurtWijk,
                       Map<String, Map<String, Score>> scores, Map<String, List<Value>> values,
                       Map<String, Map<LocalDate, Double>> trend, Map<String, Double> rate,
                       List<Expected> expected, long minDenominator, String areas, String carried) {
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
        return gemeenten(lake, null, asOf, null);
    }

    /** The gemeenten with data on as_of in one classification of areas (the default where {@code areas} is null). */
    public static Map<String, String> gemeenten(Lake lake, EngineConfig config, LocalDate asOf, String areas) {
        Map<String, String> out = new TreeMap<>();
        Dataset<Row> indicators = areas == null ? lake.read(Tables.BUURT_INDICATOR) : AreaRows.of(lake.read(Tables.BUURT_INDICATOR), areas, config);
        Dataset<Row> names = areas == null ? lake.read(Tables.SILVER_BUURT) : AreaRows.names(lake, areas);
        // a gemeente of the reference without data (every denominator 0) has nothing to report
        indicators.filter(Lake.isAsOf(asOf).and(col("denominator").gt(0))).select("buurt_code").distinct()
                .join(names, "buurt_code").select("gemeente_code", "gemeente_name").distinct()
                .collectAsList().forEach(r -> out.put(r.getString(0), r.getString(1)));
        return out;
    }

    /**
     * The report of one gemeente in one classification of areas ({@code areas}, with its title):
     * its areas' values, scores and trends. Where the classification has no earlier as_of, the
     * trend's earlier point is carried over from another classification through the crosswalk
     * (gold.buurt_indicator_trend), and {@link Data#carried} says so.
     */
    public static Data load(Lake lake, EngineConfig config, Catalogue catalogue, LocalDate asOf, String gemeenteCode,
                            String areas, String areasTitle) {
        Disclosure disclosure = Disclosure.of(config);
        long minDenominator = disclosure.minDenominator();
        Dataset<Row> indicatorRows = AreaRows.of(lake.read(Tables.BUURT_INDICATOR), areas, config);
        Dataset<Row> buurten = AreaRows.names(lake, areas).filter(col("gemeente_code").equalTo(gemeenteCode));
        Map<String, String> names = new TreeMap<>();
        Map<String, String> wijk = new TreeMap<>();
        String gemeenteName = null;
        for (Row r : buurten.collectAsList()) {
            names.put(r.getAs("buurt_code"), r.getAs("buurt_name"));
            wijk.put(r.getAs("buurt_code"), r.getAs("wijk_name"));
            gemeenteName = r.getAs("gemeente_name");
        }
        if (names.isEmpty()) {
            throw new UsageException("no areas of gemeente " + gemeenteCode + " in classification " + areas + " (codes look like GM0402)");
        }
        Dataset<Row> published = OpenData.export(indicatorRows, AreaRows.names(lake, areas), asOf, disclosure)
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
        Dataset<Row> totals = indicatorRows.join(buurten.select("buurt_code"), "buurt_code")
                .groupBy("as_of", "indicator_id").agg(sum("numerator").cast("double").as("n"), sum("denominator").cast("double").as("d"));
        String carried = "";
        if (List.of(indicatorRows.columns()).contains("areas")) {
            // the earlier as_of of another classification, carried over through the crosswalk
            lake.registerNamed(List.of(Tables.BUURT_INDICATOR_TREND));
            Dataset<Row> over = lake.spark().table(Tables.BUURT_INDICATOR_TREND)
                    .filter(col("areas").equalTo(areas).and(col("carried_from").isNotNull()))
                    .join(buurten.select("buurt_code"), "buurt_code");
            Row first = over.agg(min("as_of")).first();
            if (!first.isNullAt(0)) {
                Dataset<Row> earlier = over.filter(col("as_of").equalTo(first.get(0)))
                        .groupBy("previous_as_of", "indicator_id", "carried_from")
                        .agg(sum("previous_numerator").as("n"), sum("previous_denominator").as("d"));
                List<Row> rows = earlier.collectAsList();
                totals = totals.unionByName(earlier.select(col("previous_as_of").as("as_of"), col("indicator_id"), col("n"), col("d")));
                if (!rows.isEmpty()) {
                    carried = "De waarde van " + rows.get(0).getDate(0) + " is omgerekend uit indeling " + rows.get(0).getString(2)
                            + " naar deze gebieden via de kruistabel van adressen. / The value of " + rows.get(0).getDate(0)
                            + " is carried over from classification " + rows.get(0).getString(2)
                            + " to these areas through the crosswalk of addresses.";
                }
            }
        }
        for (Row r : totals.collectAsList()) {
            double n = r.getDouble(2);
            double d = r.getDouble(3);
            if (!disclosure.suppressed(Math.round(n), Math.round(d))) {
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
        Dataset<Row> scoreRows = AreaRows.of(lake.read(Tables.BUURT_SCORE), areas, config).filter(Lake.isAsOf(asOf))
                .join(buurten.select("buurt_code"), "buurt_code");
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
        if (lake.exists(Tables.BUURT_EXPECTED) && areas.equals(AreaRows.defaultAreas(config))) { // the models work in the default
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
        return new Data(gemeenteCode, gemeenteName, asOf, method, names, wijk, scores, values, trend, rate, expected, minDenominator,
                areasTitle + " (" + areas + ")", carried);
    }

    /** The report as one HTML file: the values computed here, laid out by the template {@code html/report.jte}. */
    public static String html(Data d, JsonNode geojson, Catalogue catalogue, EngineConfig config, String registerLink) {
        return Templates.html("report.jte", page(d, geojson, catalogue, config, registerLink));
    }

    /** What the report's page shows, every number already formatted. */
    public record Page(String gemeenteName, String asOf, String methodVersion, List<ThemeMap> maps, List<LegendItem> legend,
                       List<Multiple> multiples, List<FlaggedTheme> flagged, ExpectedTable expected, String flagMinScore,
                       long minDenominator, String registerLink, List<MethodRow> method, String areas, String carried) {
    }

    /** A theme's choropleth: its name (with its English name as markup), the drawing's size and a shape per neighbourhood. */
    public record ThemeMap(String theme, gg.jte.Content name, String nameText, String width, String height, List<Shape> shapes) {
    }

    /** A neighbourhood on a map: its fill and state (none, suppressed, scored, flagged) and the words of its tooltip. */
    public record Shape(String path, String fill, String buurtCode, String state, String buurtName, String label) {
    }

    public record LegendItem(String colour, String label) {
    }

    /** An indicator's small multiple: a dot per neighbourhood, the municipality's rate, its trend and what was suppressed. */
    public record Multiple(String id, String name, String description, List<Dot> dots, Dot rate, String max,
                           Trend trend, String rateNote, String scale, long shown, long hidden) {
    }

    /** A dot (or the rate's line) at x, with its tooltip. */
    public record Dot(String x, String name, String value) {
    }

    public record Trend(String points, String first, String last) {
    }

    public record FlaggedTheme(gg.jte.Content name, List<FlaggedBuurt> buurten) {
    }

    public record FlaggedBuurt(String name, String wijk, String score, List<String> reasons) {
    }

    public record ExpectedTable(List<ExpectedHeader> indicators, List<ExpectedRow> rows) {
    }

    public record ExpectedHeader(String name, String shortDescription) {
    }

    public record ExpectedRow(String buurtName, List<ExpectedCell> cells) {
    }

    /** A cell of observed against expected; null observed where it is suppressed. */
    public record ExpectedCell(String cssClass, String observed, String expected, String ratio, String interval, String mark) {
    }

    public record MethodRow(String id, gg.jte.Content theme, String meaning, String sources, String practice) {
    }

    static Page page(Data d, JsonNode geojson, Catalogue catalogue, EngineConfig config, String registerLink) {
        Map<String, CatalogueEntry> entries = new LinkedHashMap<>();
        catalogue.indicators().forEach(e -> entries.put(e.id(), e));
        double flagAt = config.settings().scoring().flagMinScore();
        MapSvg.Drawing drawing = MapSvg.draw(geojson, new ArrayList<>(d.buurtNames().keySet()), 560);
        List<ThemeMap> maps = config.themes().stream().map(theme -> map(theme, d, drawing, flagAt)).toList();
        List<Multiple> multiples = d.values().entrySet().stream()
                .map(e -> multiple(e.getKey(), e.getValue(), d, entries.get(e.getKey()))).toList();
        List<FlaggedTheme> flagged = config.themes().stream().map(theme -> flagged(theme, d, entries)).toList();
        List<MethodRow> method = catalogue.indicators().stream().map(e -> new MethodRow(e.id(), themeName(e.theme()), described(e),
                String.join(", ", e.sources()), oneLine(e.practice() == null ? "" : e.practice()))).toList();
        return new Page(d.gemeenteName(), d.asOf().toString(), d.methodVersion(), maps, legend(flagAt), multiples, flagged,
                expected(d, entries), String.valueOf(flagAt), d.minDenominator(), registerLink, method, d.areas(), d.carried());
    }

    private static ThemeMap map(String theme, Data d, MapSvg.Drawing drawing, double flagAt) {
        Map<String, Score> scores = d.scores().getOrDefault(theme, Map.of());
        List<Shape> shapes = new ArrayList<>();
        for (MapSvg.Shape shape : drawing.shapes()) {
            Score score = scores.get(shape.buurtCode());
            if (score == null) {
                shapes.add(new Shape(shape.path(), "#eeeeee", shape.buurtCode(), "none", shape.buurtName(), "geen gegevens / no data"));
            } else if (score.score() == null) {
                shapes.add(new Shape(shape.path(), "url(#hatch-" + theme + ")", shape.buurtCode(), "suppressed", shape.buurtName(),
                        "onderdrukt: kleine aantallen / suppressed: small counts"));
            } else {
                String label = String.format(Locale.ROOT, "score %.2f, rang %d%s", score.score(), score.rank(),
                        score.flagged() ? ", opvallend / flagged" : "");
                shapes.add(new Shape(shape.path(), colourOf(score.score(), flagAt), shape.buurtCode(),
                        score.flagged() ? "flagged" : "scored", shape.buurtName(), label));
            }
        }
        return new ThemeMap(theme, themeName(theme), themeText(theme), format("%.0f", drawing.width() + 4),
                format("%.0f", drawing.height() + 4), shapes);
    }

    /** The map's colour of a published score (the legend's classes; the darkest from the flag threshold up). */
    public static String colourOf(double score, double flagAt) {
        int i = 0;
        while (i < LOWER_BREAKS.length && score >= LOWER_BREAKS[i]) {
            i++;
        }
        return score >= flagAt ? COLOURS[4] : COLOURS[Math.min(i, 3)];
    }

    private static List<LegendItem> legend(double flagAt) {
        String flag = number(flagAt);
        String[] labels = {"< −1", "−1 tot 0", "0 tot 1", "1 tot " + flag, "≥ " + flag + " (opvallend / flagged)"};
        List<LegendItem> items = new ArrayList<>();
        for (int i = 0; i < COLOURS.length; i++) {
            items.add(new LegendItem(COLOURS[i], labels[i]));
        }
        return items;
    }

    private static Multiple multiple(String id, List<Value> values, Data d, CatalogueEntry entry) {
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
        double w = STRIP_WIDTH;
        List<Dot> dots = new ArrayList<>();
        for (Value v : values) {
            if (v.value() != null) {
                dots.add(new Dot(format("%.1f", v.value() / max * (w - 10) + 5), d.buurtNames().getOrDefault(v.buurtCode(), v.buurtCode()),
                        format("%.1f", v.value())));
            }
        }
        Dot rateLine = rate == null ? null : new Dot(format("%.1f", rate / max * (w - 10) + 5), d.gemeenteName(), format("%.1f", rate));
        long hidden = values.stream().filter(Value::suppressed).count();
        return new Multiple(id, id.replace('_', ' '), entry == null ? "" : described(entry), dots, rateLine,
                format("%.1f", max), trend(d.trend().getOrDefault(id, Map.of())),
                rate == null ? "gemeente: onderdrukt" : format("gemeente %.1f", rate), entry == null ? "" : String.valueOf(entry.scale()),
                dots.size(), hidden);
    }

    /** The municipality's rate over the reference dates as a polyline's points; null for one date. */
    private static Trend trend(Map<LocalDate, Double> trend) {
        if (trend.size() < 2) {
            return null;
        }
        double min = trend.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = trend.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        double span = max - min == 0 ? 1 : max - min;
        List<String> points = new ArrayList<>();
        int i = 0;
        for (Map.Entry<LocalDate, Double> e : trend.entrySet()) {
            double x = 5 + i * 110.0 / (trend.size() - 1);
            double y = 25 - (e.getValue() - min) / span * 20;
            points.add(format("%.1f,%.1f", x, y));
            i++;
        }
        LocalDate first = trend.keySet().iterator().next();
        LocalDate last = ((TreeMap<LocalDate, Double>) trend).lastKey();
        return new Trend(String.join(" ", points), first.toString(), last.toString());
    }

    private static FlaggedTheme flagged(String theme, Data d, Map<String, CatalogueEntry> entries) {
        List<FlaggedBuurt> flagged = new ArrayList<>();
        d.scores().getOrDefault(theme, Map.of()).entrySet().stream()
                .filter(e -> e.getValue().score() != null && e.getValue().flagged())
                .sorted((a, b) -> Integer.compare(a.getValue().rank(), b.getValue().rank()))
                .forEach(e -> {
                    List<String> reasons = new ArrayList<>();
                    List<String[]> contributions = e.getValue().contributions();
                    for (String[] c : contributions.subList(0, Math.min(3, contributions.size()))) {
                        CatalogueEntry entry = entries.get(c[0]);
                        reasons.add((entry == null ? c[0] : shortDescription(entry)) + " (" + c[1] + ")");
                    }
                    flagged.add(new FlaggedBuurt(d.buurtNames().getOrDefault(e.getKey(), e.getKey()),
                            d.buurtWijk().getOrDefault(e.getKey(), ""), format("%.2f", e.getValue().score()), reasons));
                });
        return new FlaggedTheme(themeName(theme), flagged);
    }

    /** Observed against expected per neighbourhood and care indicator; null before a care model has run. */
    private static ExpectedTable expected(Data d, Map<String, CatalogueEntry> entries) {
        if (d.expected().isEmpty()) {
            return null;
        }
        List<String> indicators = d.expected().stream().map(Expected::indicatorId).distinct().toList();
        Map<String, Map<String, Expected>> byBuurt = new TreeMap<>();
        d.expected().forEach(e -> byBuurt.computeIfAbsent(e.buurtCode(), k -> new LinkedHashMap<>()).put(e.indicatorId(), e));
        List<ExpectedHeader> headers = indicators.stream().map(id -> new ExpectedHeader(id.replace('_', ' '),
                entries.get(id) == null ? null : shortDescription(entries.get(id)))).toList();
        List<ExpectedRow> rows = new ArrayList<>();
        for (Map.Entry<String, Map<String, Expected>> row : byBuurt.entrySet()) {
            List<ExpectedCell> cells = new ArrayList<>();
            for (String id : indicators) {
                Expected e = row.getValue().get(id);
                if (e == null) {
                    cells.add(new ExpectedCell("none", null, null, null, null, null));
                    continue;
                }
                boolean above = e.lower() > 1;
                boolean below = e.upper() < 1;
                cells.add(new ExpectedCell(above ? "above" : below ? "below" : "", String.valueOf(Disclosure.rounded(e.observed())),
                        String.valueOf(Disclosure.rounded(e.expected())), format("%.2f", e.ratio()),
                        format("%.2f–%.2f", e.lower(), e.upper()), above ? " ▲" : below ? " ▼" : ""));
            }
            rows.add(new ExpectedRow(d.buurtNames().getOrDefault(row.getKey(), row.getKey()), cells));
        }
        return new ExpectedTable(headers, rows);
    }

    private static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }

    /** A theme's name in Dutch with its English name as markup. */
    static gg.jte.Content themeName(String theme) {
        return switch (theme) {
            case "undermining" -> out -> out.writeContent("Ondermijning <span class=\"en\">/ undermining</span>");
            case "care_stacking" -> out -> out.writeContent("Zorgstapeling <span class=\"en\">/ care stacking</span>");
            default -> out -> out.writeUserContent(theme);
        };
    }

    /** A theme's name as text (the map's accessible label). */
    static String themeText(String theme) {
        return switch (theme) {
            case "undermining" -> "Ondermijning / undermining";
            case "care_stacking" -> "Zorgstapeling / care stacking";
            default -> theme;
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
}
