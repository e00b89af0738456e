package nl.buurtsignaal.pipeline;

import nl.buurtsignaal.config.EngineConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class MethodTest {
    private static String silver(String... settings) {
        return Method.silverFingerprint(EngineConfig.load(Path.of("conf"), null, List.of(settings)));
    }

    @Test
    void silverKeepsItsFingerprintWhenARuleChangesAndLosesItWhenConformingsSettingsDo() {
        String shipped = silver();
        assertEquals(shipped, silver("catalogue.U-ADDR-OVERCROWDED.max_m2_per_resident=13", "scoring.flag_min_score=1.5"));
        assertNotEquals(shipped, silver("risk_branches=[\"9602\"]"));
        assertNotEquals(shipped, silver("provisions.bijstand=wmo"));
    }
}
