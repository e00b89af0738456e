package nl.buurtsignaal.base;

import java.util.regex.Pattern;

/** Nine digits in a row, the shape of a BSN, masked wherever the engine prints or keeps a text it did not write. */
public final class BsnMask {
    private static final Pattern NINE_DIGITS = Pattern.compile("(?<![0-9])[0-9]{9}(?![0-9])");
    private static final Pattern EIGHT_DIGITS = Pattern.compile("(?<![0-9])[0-9]{8}(?![0-9])");

    /** Nine digits, perhaps written in groups with single spaces, dots or hyphens (123.456.782, 1234 56 782). */
    private static final Pattern NINE_DIGITS_GROUPED = Pattern.compile("(?<![0-9])(?:[0-9][ .-]?){8}[0-9](?![0-9])");

    private BsnMask() {
    }

    /** A message: nine digits masked; eight (a date such as 20261031, a KvK number) kept, to keep it readable. */
    public static String masked(String text) {
        return text == null ? null : NINE_DIGITS.matcher(text).replaceAll("[9 digits]");
    }

    /**
     * A query someone typed, as a log keeps it: eight digits masked as well, since a BSN written as
     * a number loses its leading zero ({@code WHERE bsn = 12345672}).
     */
    public static String maskedInQuery(String text) {
        return text == null ? null : EIGHT_DIGITS.matcher(masked(text)).replaceAll("[8 digits]");
    }

    /** Whether a text holds a number shaped like a BSN: nine digits, in a row or in groups. */
    public static boolean holdsBsnShape(String text) {
        return text != null && NINE_DIGITS_GROUPED.matcher(text).find();
    }
}
