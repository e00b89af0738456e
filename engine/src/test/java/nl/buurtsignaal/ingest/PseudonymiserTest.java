package nl.buurtsignaal.ingest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.*;

class PseudonymiserTest {
    @Test
    void matchesAnIndependentHmacSha256Vector() {
        // Vectors computed with Python's hmac module, not with this code.
        Pseudonymiser example = new Pseudonymiser(Base64.getDecoder().decode("8F2bZtGHff+11G+eqSZp70ts0h2y1e4/R6fHqbBmpto="));
        assertEquals("2cef5babcd26260ed1591c6d2e49950979dacf79d4becc5efa8efca23e3e4185", example.person("123456782"));
        Pseudonymiser other = new Pseudonymiser("key-of-sixteen-bytes".getBytes(StandardCharsets.US_ASCII));
        assertEquals("c13bd377ec69f0f6e05af863fc72d30fa53e8a5284604e247610ab28050b43d4", other.person("111222333"));
    }

    @Test
    void keepsLeadingZerosAndNeverShowsItsKey() {
        Pseudonymiser p = new Pseudonymiser("key-of-sixteen-bytes".getBytes(StandardCharsets.US_ASCII));
        assertNotEquals(p.person("012345672"), p.person("12345672"));
        assertFalse(p.toString().contains("sixteen"));
    }

    @Test
    void elevenTestAtItsEdges() {
        assertTrue(Sources.isBsn("123456782"));
        assertTrue(Sources.isBsn("111222333"));
        assertFalse(Sources.isBsn("123456781"), "check digit off by one");
        assertFalse(Sources.isBsn("12345678"), "eight digits");
        assertFalse(Sources.isBsn("1234567820"), "ten digits");
        assertFalse(Sources.isBsn("12345678a"));
        assertFalse(Sources.isBsn("000000000"));
        assertFalse(Sources.isBsn(null));
    }

    @Test
    void forbiddenColumnsInAnySpelling() {
        for (String c : new String[]{"nationaliteit", "Geboorteland", "geboorte_datum", "date_of_birth", "E-mail",
                "iban", "IBAN_nummer", "achternaam", "geslacht", "ethnicity", "religion", "phone_number", "naam"}) {
            assertTrue(Sources.isForbidden(c), c);
        }
        for (String c : new String[]{"remark", "source_system", "wijk"}) {
            assertFalse(Sources.isForbidden(c), c);
        }
    }
}
