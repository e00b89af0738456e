package nl.buurtsignaal.bench;

/**
 * Sections of docs/performance.md that other commands write (the hub's and the models' benches)
 * or people write (the profile), each between an HTML comment pair: a command that rewrites the
 * page keeps the others' sections.
 */
public record Sections(String begin, String end) {
    public static final Sections HUB = new Sections("<!-- hub-bench -->", "<!-- /hub-bench -->");
    public static final Sections MODELS = new Sections("<!-- model-bench:begin -->", "<!-- model-bench:end -->");
    public static final Sections AREAS = new Sections("<!-- area-bench:begin -->", "<!-- area-bench:end -->");
    public static final Sections PROFILE = new Sections("<!-- profile:begin -->", "<!-- profile:end -->");

    /** The page with this section replaced by {@code section} (markers included), or added at its end. */
    public String into(String page, String section) {
        int b = page.indexOf(begin);
        int e = page.indexOf(end);
        if (b >= 0 && e > b) {
            return page.substring(0, b) + section.strip() + page.substring(e + end.length());
        }
        return page.stripTrailing() + "\n\n" + section.strip() + "\n";
    }

    /** This section of a page, markers included; empty when the page has none. */
    public String of(String page) {
        int b = page.indexOf(begin);
        int e = page.indexOf(end);
        return b >= 0 && e > b ? page.substring(b, e + end.length()) : "";
    }
}
