package nl.buurtsignaal.base;

import java.util.regex.Pattern;

/** Nine digits in a row, the shape of a BSN, masked wherever the engine prints or keeps a text it did not write. */
public final class BsnMask {
    private static final Pattern NINE_DIGITS = Pattern.compile("(?<![0-9])[0-9]{9}(?![0-9])");

    private BsnMask() {
    }

    public static String masked(String text) {
        return text == null ? null : NINE_DIGITS.matcher(text).replaceAll("[9 digits]");
    }
}
