package nl.buurtsignaal.base;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class BsnMaskTest {
    @Test
    void aMessageLosesNineDigitsAndKeepsDatesAndLongerNumbers() {
        assertEquals("no person [9 digits] on 20261031, address 0402200000100060",
                BsnMask.masked("no person 123456782 on 20261031, address 0402200000100060"));
        assertNull(BsnMask.masked(null));
    }

    @Test
    void aQueryAlsoLosesABsnWrittenAsANumberWithoutItsLeadingZero() {
        assertEquals("id IN ('[9 digits]', [8 digits]) AND address = '0402200000100060'",
                BsnMask.maskedInQuery("id IN ('012345672', 12345672) AND address = '0402200000100060'"));
    }
}
