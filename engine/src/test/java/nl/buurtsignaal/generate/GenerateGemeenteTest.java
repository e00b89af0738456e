package nl.buurtsignaal.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import nl.buurtsignaal.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/** {@code generate --gemeente}: a city over some gemeenten's neighbourhoods only, as the demo's sample is made. */
class GenerateGemeenteTest {
    @TempDir
    Path dir;

    private static Set<String> gemeentenOfTheAddresses(Path landing) throws Exception {
        Path csv = landing.resolve("bag_address/2026-11-01/part-00000.csv");
        List<String> lines = Files.readAllLines(csv);
        int column = List.of(lines.get(0).split(",")).indexOf("buurt_code");
        Set<String> gemeenten = new TreeSet<>();
        lines.stream().skip(1).forEach(l -> gemeenten.add("GM" + l.split(",", -1)[column].substring(2, 6)));
        return gemeenten;
    }

    @Test
    void onlyTheGemeentenAskedForAndTheDisparityInOneOfTheirWijken() throws Exception {
        Path landing = dir.resolve("hlt");
        assertEquals(0, Main.execute("generate", "--out", landing.toString(), "--persons", "400", "--seed", "3",
                "--as-of", "2026-10-31", "--gemeente", "GM0534,gm1525"));
        assertEquals(Set.of("GM0534", "GM1525"), gemeentenOfTheAddresses(landing));
        JsonNode info = new ObjectMapper().readTree(landing.resolve("_generated.json").toFile());
        assertEquals("[\"GM0534\",\"GM1525\"]", info.get("gemeenten").toString());
        // Hilversum's WK040209 is not in this city: the largest wijk that is not a whole gemeente (Voorhout)
        assertEquals("WK152501", info.get("disparity_wijk").asText());

        Path all = dir.resolve("all");
        assertEquals(0, Main.execute("generate", "--out", all.toString(), "--persons", "400", "--seed", "3",
                "--as-of", "2026-10-31"));
        assertEquals(Set.of("GM0402", "GM0534", "GM0553", "GM1525"), gemeentenOfTheAddresses(all));
        JsonNode allInfo = new ObjectMapper().readTree(all.resolve("_generated.json").toFile());
        assertNull(allInfo.get("gemeenten"));
        assertEquals(CityGenerator.DISPARITY_WIJK, allInfo.get("disparity_wijk").asText());

        Path one = dir.resolve("hillegom");
        assertEquals(0, Main.execute("generate", "--out", one.toString(), "--persons", "200", "--as-of", "2026-10-31",
                "--gemeente", "GM0534"));
        assertNull(new ObjectMapper().readTree(one.resolve("_generated.json").toFile()).get("disparity_wijk"),
                "Hillegom is one wijk: no wijk to plant a disparity in");
    }

    @Test
    void anUnknownOrMalformedGemeenteIsAUsageError() {
        assertEquals(2, Main.execute("generate", "--out", dir.resolve("a").toString(), "--persons", "200",
                "--as-of", "2026-10-31", "--gemeente", "GM9999"));
        assertFalse(Files.exists(dir.resolve("a")), "nothing written for a gemeente the reference lacks");
        assertEquals(2, Main.execute("generate", "--out", dir.resolve("b").toString(), "--persons", "200",
                "--as-of", "2026-10-31", "--gemeente", "0534"));
        assertFalse(Files.exists(dir.resolve("b")), "nothing written for a malformed code");
    }
}
