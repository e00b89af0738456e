package nl.buurtsignaal.serve;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AccessTest {
    @Test
    void theAccessLogKeepsAQueryWithoutBsnShapedNumbersAndShortened() {
        assertEquals("SELECT * FROM t WHERE id IN ('[9 digits]', [8 digits])",
                Access.logged("  SELECT * FROM t WHERE id IN ('012345672', 12345672) "));
        assertEquals(2001, Access.logged("x".repeat(3000)).length(), "at most 2,000 characters and an ellipsis");
    }
}
