package nl.buurtsignaal.base;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

    @Test
    void aTextHoldsABsnShapeInARowOrInGroups() {
        for (String text : List.of("BSN 123456782", "bsn: 123.456.782", "1234 56 782 woont hier", "12-34-56-782", "x123456782x")) {
            assertTrue(BsnMask.holdsBsnShape(text), text);
        }
        for (String text : List.of("KvK 30002532", "op 2026-10-31", "06-12345678", "address 0402200000100060", "postcode 2181 AB 12",
                "1234567890", "€ 465.000")) {
            assertFalse(BsnMask.holdsBsnShape(text), text);
        }
    }
}
