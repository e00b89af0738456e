package nl.buurtsignaal.serve;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessTest {
    @Test
    void theAccessLogKeepsAQueryWithoutBsnShapedNumbersAndShortened() {
        assertEquals("SELECT * FROM t WHERE id IN ('[9 digits]', [8 digits])",
                Access.logged("  SELECT * FROM t WHERE id IN ('012345672', 12345672) "));
        assertEquals(2001, Access.logged("x".repeat(3000)).length(), "at most 2,000 characters and an ellipsis");
    }

    @Test
    void meldingenAreTheHubsCaseworkForTheAuditorNotForAnalysis() {
        assertFalse(Access.mayRead(nl.buurtsignaal.hub.Role.ANALYST, nl.buurtsignaal.lake.Tables.HUB_MELDING));
        assertFalse(Access.mayRead(nl.buurtsignaal.hub.Role.CARE_ANALYST, nl.buurtsignaal.lake.Tables.HUB_MELDING));
        assertFalse(Access.mayRead(nl.buurtsignaal.hub.Role.BI, nl.buurtsignaal.lake.Tables.HUB_MELDING));
        assertTrue(Access.mayRead(nl.buurtsignaal.hub.Role.AUDITOR, nl.buurtsignaal.lake.Tables.HUB_MELDING));
        assertTrue(Access.mayRead(nl.buurtsignaal.hub.Role.ANALYST, nl.buurtsignaal.lake.Tables.SUBJECT_LINK));
        assertTrue(Access.mayRead(nl.buurtsignaal.hub.Role.ANALYST, nl.buurtsignaal.lake.Tables.RULE_PRECISION));
    }
}
