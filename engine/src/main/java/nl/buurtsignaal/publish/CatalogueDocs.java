package nl.buurtsignaal.publish;

import nl.buurtsignaal.config.Catalogue;
import nl.buurtsignaal.config.CatalogueEntry;
import nl.buurtsignaal.config.EngineConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * docs/indicators.md, generated from the catalogue and the settings so that the published
 * description cannot drift from what runs. A test fails when the committed file differs. This
 * class computes the values; the template {@code src/main/jte/plain/indicators.jte} lays them out.
 */
public final class CatalogueDocs {
    private CatalogueDocs() {
    }

    /** The page's values, as the template prints them. */
    public record Page(List<Entry> rules, List<Entry> indicators, String shrinkagePrior, String flagMinScore,
                       List<Weight> weights, String minDenominator, String riskBranches, List<Provision> provisions) {
    }

    /** A rule or an indicator: {@code facts} are the lines of its list (theme and subject or scale, sources, parameters). */
    public record Entry(String id, List<String> facts, String description,
                        String practice, String sql, String where) {
    }

    public record Weight(String theme, String indicator, String weight) {
    }

    public record Provision(String provision, String law) {
    }

    public static String render(Catalogue catalogue, EngineConfig config) {
        var settings = config.settings();
        List<Weight> weights = new ArrayList<>();
        for (String theme : config.themes()) {
            for (Map.Entry<String, Double> w : settings.scoring().weights().get(theme).entrySet()) {
                weights.add(new Weight(theme, w.getKey(), String.valueOf(w.getValue())));
            }
        }
        List<Provision> provisions = new ArrayList<>();
        settings.provisions().forEach((provision, law) -> provisions.add(new Provision(provision, law)));
        Page page = new Page(entries(catalogue.rules()), entries(catalogue.indicators()),
                number(settings.scoring().shrinkagePriorDenominator()), number(settings.scoring().flagMinScore()), weights,
                number(settings.publication().minDenominator()), String.join(", ", settings.riskBranches()), provisions);
        return Templates.plain("indicators.jte", page);
    }

    private static List<Entry> entries(List<CatalogueEntry> entries) {
        List<Entry> out = new ArrayList<>();
        for (CatalogueEntry e : entries) {
            List<String> parameters = new ArrayList<>();
            e.parameters().forEach((k, v) -> parameters.add("`" + k + "` = " + v));
            List<String> facts = new ArrayList<>(List.of(
                    "theme: " + e.theme() + "; " + (e.isRule() ? "subject: " + e.subjectType() : "per " + e.scale()),
                    "sources: " + String.join(", ", e.sources())));
            if (!parameters.isEmpty()) {
                facts.add("parameters: " + String.join(", ", parameters));
            }
            out.add(new Entry(e.id(), facts, clean(e.description()),
                    e.practice() == null ? null : clean(e.practice()), e.sql().strip(), e.where()));
        }
        return out;
    }

    private static String clean(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
