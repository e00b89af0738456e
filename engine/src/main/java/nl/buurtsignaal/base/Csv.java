package nl.buurtsignaal.base;

/** CSV fields as RFC 4180 writes them. */
public final class Csv {
    private Csv() {
    }

    /** A field with the separator, a quote or a line break is quoted, its quotes doubled. */
    public static String quote(String value, char separator) {
        if (value.indexOf(separator) >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
