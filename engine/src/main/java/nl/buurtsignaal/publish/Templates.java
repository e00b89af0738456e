package nl.buurtsignaal.publish;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * The templates of what people read ({@code src/main/jte/}), compiled to Java at build time by
 * jte-maven-plugin: the callers compute the values, a template lays them out.
 */
final class Templates {
    /** Markdown and text ({@code src/main/jte/plain/}): nothing escaped. */
    private static final TemplateEngine PLAIN = TemplateEngine.createPrecompiled(null, ContentType.Plain, null,
            "nl.buurtsignaal.templates.plain");

    /** HTML ({@code src/main/jte/html/}): every value escaped unless it is markup the caller made ({@code gg.jte.Content}). */
    private static final TemplateEngine HTML = TemplateEngine.createPrecompiled(null, ContentType.Html, null,
            "nl.buurtsignaal.templates.html");

    private Templates() {
    }

    /** The plain template {@code name} (its file name, say {@code indicators.jte}) with its one parameter. */
    static String plain(String name, Object parameter) {
        StringOutput out = new StringOutput();
        PLAIN.render(name, parameter, out);
        return out.toString();
    }

    /** The HTML template {@code name} with its one parameter. */
    static String html(String name, Object parameter) {
        StringOutput out = new StringOutput();
        HTML.render(name, parameter, out);
        return out.toString();
    }
}
