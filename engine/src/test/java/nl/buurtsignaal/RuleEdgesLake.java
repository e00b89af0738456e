package nl.buurtsignaal;

import nl.buurtsignaal.lake.Lake;

import java.nio.file.Path;

/**
 * The rule edges' lake: one small hand-made bronze with cases just inside and just outside each
 * threshold and window (as_of 2026-10-31), and the catalogue with one indicator file more. The
 * engine's RuleEdgesTest and the bench's cross-check of its DuckDB peer read the same lake.
 */
public final class RuleEdgesLake {
    public static final String P1 = "aaaa", P2 = "bbbb";
    public static final String NEGATIVE_BUURT = "BU04020102";
    public static final String CARE_BUURT = "BU04020103";

    private RuleEdgesLake() {
    }

    public static String address(int n) {
        return String.format("0402200000%06d", n);
    }

    public static String object(int n) {
        return String.format("0402010000%06d", n);
    }

    public static String bag(int n, String usage, int floor) {
        return bag(n, usage, floor, "BU04020101");
    }

    public static String bag(int n, String usage, int floor, String buurt) {
        return address(n) + "|" + object(n) + "|1211AB|" + n + "|||Kerkstraat|Hilversum|" + usage + "|" + floor + "|" + buurt + "||";
    }

    public static String[] residents(int address, int count, String from, String to) {
        String[] out = new String[count];
        for (int i = 0; i < count; i++) {
            out[i] = "p" + address + "_" + i + "|" + from + "|" + (to == null ? "" : to) + "|" + address(address) + "|1990|resident";
        }
        return out;
    }

    /** Writes the edges' bronze tables into the lake. */
    public static void write(Lake lake) {
        BronzeFixture f = new BronzeFixture();
        // U-ADDR-OVERCROWDED: 47 m2 / 4 = 11.75 fires; 48 / 4 = 12 does not; 3 residents never; a shop never.
        f.add("bag_address", bag(1, "woonfunctie", 47), bag(2, "woonfunctie", 48), bag(3, "woonfunctie", 30),
                bag(4, "winkelfunctie", 20), bag(5, "woonfunctie", 40), bag(6, "woonfunctie", 40));
        f.add("brp_residence", residents(1, 4, "2020-01-01", null));
        f.add("brp_residence", residents(2, 4, "2020-01-01", null));
        f.add("brp_residence", residents(3, 3, "2020-01-01", null));
        f.add("brp_residence", residents(4, 4, "2020-01-01", null));
        // address 5: the fourth residence ends on as_of itself, so only three residents remain
        f.add("brp_residence", residents(5, 3, "2020-01-01", null));
        f.add("brp_residence", "p5_x|2020-01-01|2026-10-31|" + address(5) + "|1990|resident");
        // address 6: the fourth residence starts on as_of itself, so it counts
        f.add("brp_residence", residents(6, 3, "2020-01-01", null));
        f.add("brp_residence", "p6_x|2026-10-31||" + address(6) + "|1990|resident");

        // U-ADDR-ENFORCEMENT: 24-month window is (2024-10-31, 2026-10-31]; 36-month (2023-10-31, 2026-10-31].
        f.add("bag_address", bag(7, "woonfunctie", 80), bag(8, "woonfunctie", 80), bag(9, "winkelfunctie", 80),
                bag(10, "winkelfunctie", 80), bag(11, "woonfunctie", 80));
        f.add("enforcement_case",
                "Z1|" + address(7) + "||2024-11-01||complaint_drugs|pending",
                "Z2|" + address(7) + "||2025-05-01||housing_fraud|pending",
                "Z3|" + address(7) + "||2026-10-31||complaint_drugs|pending",
                "Z4|" + address(8) + "||2024-10-31||complaint_drugs|pending",
                "Z5|" + address(8) + "||2025-01-01||complaint_drugs|pending",
                "Z6|" + address(8) + "||2026-01-01||housing_fraud|pending",
                "Z7|" + address(9) + "||2023-11-01|2023-12-01|closure_13b|closure",
                "Z8|" + address(10) + "||2023-10-31|2023-12-01|closure_13b|closure",
                "Z9|" + address(11) + "||2026-11-01||bibob_refusal|pending");

        // U-ADDR-COMPANY-CLUSTER: 3 active at a dwelling fires; a deregistration on as_of makes 2;
        // one after as_of is not yet known; 4 at an office do not fire, 5 do.
        f.add("bag_address", bag(12, "woonfunctie", 80), bag(13, "woonfunctie", 80), bag(14, "kantoorfunctie", 80),
                bag(15, "kantoorfunctie", 80), bag(16, "woonfunctie", 80));
        int est = 0;
        for (int[] spec : new int[][]{{12, 3}, {13, 3}, {14, 4}, {15, 5}, {16, 3}}) {
            for (int i = 0; i < spec[1]; i++) {
                est++;
                String dereg = "";
                if (spec[0] == 13 && i == 0) {
                    dereg = "2026-10-31";
                } else if (spec[0] == 16 && i == 0) {
                    dereg = "2026-11-15";
                }
                f.add("hr_establishment", String.format("%012d|%08d|%s|6202|Firma %d|bv|2015-01-01|%s",
                        est, 10_000_000 + est, address(spec[0]), est, dereg));
            }
        }

        // U-OBJ-ABC and U-OBJ-CASH-COMPANY
        f.add("bag_address", bag(20, "woonfunctie", 90), bag(21, "woonfunctie", 90), bag(22, "woonfunctie", 90),
                bag(23, "woonfunctie", 90), bag(24, "woonfunctie", 90), bag(25, "woonfunctie", 90), bag(26, "woonfunctie", 90));
        f.add("brk_transfer",
                // exactly six months apart: within
                "T1|" + object(20) + "|2024-01-10|person|" + P1 + "|300000|true",
                "T2|" + object(20) + "|2024-07-10|person|" + P2 + "|310000|true",
                // six months and a day, small markup: not
                "T3|" + object(21) + "|2024-01-10|person|" + P1 + "|300000|true",
                "T4|" + object(21) + "|2024-07-11|person|" + P2 + "|330000|true",
                // resale within 12 months at exactly +30 %: fires
                "T5|" + object(22) + "|2025-01-01|person|" + P1 + "|300000|true",
                "T6|" + object(22) + "|2025-12-31|person|" + P2 + "|390000|true",
                // +29 %: not
                "T7|" + object(23) + "|2025-01-01|person|" + P1 + "|300000|true",
                "T8|" + object(23) + "|2025-12-31|person|" + P2 + "|387000|true",
                // company 364 days old, no mortgage: fires; exactly 12 months old: not; with mortgage: not
                "T9|" + object(24) + "|2026-05-31|company|20000001|500000|false",
                "T10|" + object(25) + "|2026-06-01|company|20000001|500000|false",
                "T11|" + object(26) + "|2026-05-31|company|20000001|500000|true");
        f.add("hr_establishment", "900000000001|20000001|" + address(21) + "|6810|Vastgoed BV|bv|2025-06-01|");
        f.add("hr_officer", "20000001|" + P1 + "|bestuurder|2025-06-01|");
        // U-ADDR-FREQUENT-MOVERS: three starts inside (2024-10-31, 2026-10-31] each, or one exactly 24 months back.
        f.add("bag_address", bag(30, "woonfunctie", 200), bag(31, "woonfunctie", 200), bag(32, "woonfunctie", 200));
        for (int p = 0; p < 3; p++) {
            f.add("brp_residence",
                    "m30_" + p + "|2024-11-01|2025-06-01|" + address(32) + "|1990|resident",
                    "m30_" + p + "|2025-06-01|2026-01-01|" + address(32) + "|1990|resident",
                    "m30_" + p + "|2026-01-01||" + address(30) + "|1990|resident",
                    "m31_" + p + "|2024-10-31|2025-06-01|" + address(32) + "|1990|resident",
                    "m31_" + p + "|2025-06-01|2026-01-01|" + address(32) + "|1990|resident",
                    "m31_" + p + "|2026-01-01||" + address(31) + "|1990|resident");
        }
        // U-ADDR-VOW-CHURN: vow registrations ending inside the window, or one exactly 24 months back.
        f.add("bag_address", bag(33, "woonfunctie", 80), bag(34, "woonfunctie", 80));
        f.add("brp_residence",
                "v1|2020-01-01|2024-11-01|" + address(33) + "|1980|vow",
                "v2|2020-01-01|2025-01-01|" + address(33) + "|1980|vow",
                "v3|2020-01-01|2026-10-31|" + address(33) + "|1980|vow",
                "v4|2020-01-01|2024-10-31|" + address(34) + "|1980|vow",
                "v5|2020-01-01|2025-01-01|" + address(34) + "|1980|vow",
                "v6|2020-01-01|2026-01-01|" + address(34) + "|1980|vow");
        // U-ADDR-RISK-BRANCH-CHURN: deregistered exactly 12 months after registration counts; a day later not.
        f.add("bag_address", bag(35, "winkelfunctie", 60), bag(36, "winkelfunctie", 60), bag(37, "winkelfunctie", 60),
                bag(38, "kantoorfunctie", 500));
        f.add("hr_establishment",
                "800000000001|21000001|" + address(35) + "|9602|Nagels 1|eenmanszaak|2024-01-01|2025-01-01",
                "800000000002|21000002|" + address(35) + "|9602|Nagels 2|eenmanszaak|2025-02-01|2025-03-01",
                "800000000003|21000003|" + address(35) + "|4778|Telefoon 3|eenmanszaak|2025-06-01|2025-12-01",
                "800000000004|21000004|" + address(36) + "|9602|Nagels 4|eenmanszaak|2024-01-01|2025-01-02",
                "800000000005|21000005|" + address(36) + "|9602|Nagels 5|eenmanszaak|2025-02-01|2025-03-01",
                "800000000006|21000006|" + address(36) + "|4778|Telefoon 6|eenmanszaak|2025-06-01|2025-12-01",
                "800000000007|21000007|" + address(37) + "|96.02.1|Nagels 7|eenmanszaak|2024-01-01|2024-06-01",
                "800000000008|21000008|" + address(37) + "|96.04|Sauna 8|eenmanszaak|2025-02-01|2025-03-01",
                "800000000009|21000009|" + address(37) + "|47.11|Avondwinkel 9|eenmanszaak|2025-06-01|2025-12-01");
        // U-PERSON-STRAWMAN: four companies in 36 months; deregistered exactly 18 months after
        // registration counts, a day later not; a company with one active establishment is not deregistered.
        for (String[] person : new String[][]{{"S1", "2025-07-01", "22000"}, {"S2", "2025-07-02", "23000"}}) {
            String k = person[2];
            f.add("hr_establishment",
                    "8" + k + "0000001|" + k + "001|" + address(38) + "|4941|Transport A|bv|2024-01-01|" + person[1],
                    "8" + k + "0000002|" + k + "002|" + address(38) + "|4941|Transport B|bv|2024-02-01|2024-08-01",
                    "8" + k + "0000003|" + k + "003|" + address(38) + "|4941|Transport C|bv|2024-03-01|",
                    "8" + k + "0000004|" + k + "004|" + address(38) + "|4941|Transport D|bv|2024-04-01|2024-06-01",
                    "8" + k + "0000005|" + k + "004|" + address(38) + "|4941|Transport D2|bv|2024-04-01|");
            for (int c = 1; c <= 4; c++) {
                f.add("hr_officer", k + "00" + c + "|" + person[0] + "|bestuurder|2024-01-01|");
            }
        }
        // An object with two addresses: the signal names the lowest address_id.
        f.add("bag_address", bag(40, "woonfunctie", 90), address(41) + "|" + object(40) + "|1211AB|41|||Kerkstraat|Hilversum|woonfunctie|90|BU04020101||");
        f.add("brk_transfer",
                "T20|" + object(40) + "|2025-01-01|person|" + P1 + "|300000|true",
                "T21|" + object(40) + "|2025-03-01|person|" + P2 + "|300000|true");
        // Negative durations (contract section 5: a company registered after a date has no age at it;
        // an end before its start is never "within" a window), all in BU04020102 so that its
        // indicators can be checked exactly. Bronze is written directly: ingest would quarantine
        // an establishment deregistered before its registration, but the rules must not rely on it.
        f.add("bag_address", bag(50, "woonfunctie", 90, NEGATIVE_BUURT), bag(51, "woonfunctie", 90, NEGATIVE_BUURT),
                bag(52, "winkelfunctie", 60, NEGATIVE_BUURT), bag(53, "kantoorfunctie", 500, NEGATIVE_BUURT),
                bag(54, "woonfunctie", 90, NEGATIVE_BUURT));
        f.add("brk_transfer",
                // bought by a company registered the day after: no age, does not fire
                "T30|" + object(50) + "|2026-05-31|company|20000002|500000|false",
                // bought by a company registered that same day: 0 days old, fires
                "T31|" + object(51) + "|2026-05-31|company|20000003|500000|false",
                // delivered out of date order: by date, 390k is followed by 300k 364 days later (a quick
                // resale, no markup); in id order it would look like a +30 % resale dated before its purchase
                "T32|" + object(54) + "|2025-12-31|person|" + P1 + "|300000|true",
                "T33|" + object(54) + "|2025-01-01|person|" + P2 + "|390000|true",
                // by date 19 months apart (no quick resale); in id order a resale 19 months before its purchase
                "T34|" + object(53) + "|2026-06-01|person|" + P1 + "|300000|true",
                "T35|" + object(53) + "|2024-11-01|person|" + P2 + "|300000|true");
        f.add("hr_establishment",
                "900000000002|20000002|" + address(50) + "|4110|Ontwikkeling 2|bv|2026-06-01|",
                "900000000003|20000003|" + address(51) + "|4110|Ontwikkeling 3|bv|2026-05-31|",
                // risk-branch churn: two short-lived, the third deregistered before it was registered
                "800000000010|21000010|" + address(52) + "|9602|Nagels 10|eenmanszaak|2024-01-01|2024-06-01",
                "800000000011|21000011|" + address(52) + "|9602|Nagels 11|eenmanszaak|2025-02-01|2025-03-01",
                "800000000012|21000012|" + address(52) + "|4778|Telefoon 12|eenmanszaak|2025-06-01|2025-05-01",
                // strawman S3: four companies, one short-lived, one deregistered before it was registered
                "824000000001|24000001|" + address(53) + "|4941|Transport E|bv|2024-01-01|2024-06-01",
                "824000000002|24000002|" + address(53) + "|4941|Transport F|bv|2024-02-01|2024-01-15",
                "824000000003|24000003|" + address(53) + "|4941|Transport G|bv|2024-03-01|",
                "824000000004|24000004|" + address(53) + "|4941|Transport H|bv|2024-04-01|");
        for (int c = 1; c <= 4; c++) {
            f.add("hr_officer", "2400000" + c + "|S3|bestuurder|2024-01-01|");
        }
        f.add("woz_value", object(20) + "|2026-01-01|300000");
        f.add("care_provision", "p1_0|bijstand|2025-01-01||ISD");
        // Care stacking, all in BU04020103: a household counts a provision once however many members
        // have it; only provisions and residences active on as_of count. Address 60: two members with
        // bijstand (1 distinct); 61: bijstand and wmo_begeleiding (2, two laws); 62: two jeugdhulp
        // provisions and a Wmo one on one member (3, two laws); 63: none; 64: a provision that ended on
        // as_of and one that starts after it (0); 65: a former resident's provisions do not count (0;
        // they moved out on as_of, to BU04020104).
        f.add("bag_address", bag(60, "woonfunctie", 90, CARE_BUURT), bag(61, "woonfunctie", 90, CARE_BUURT),
                bag(62, "woonfunctie", 90, CARE_BUURT), bag(63, "woonfunctie", 90, CARE_BUURT),
                bag(64, "woonfunctie", 90, CARE_BUURT), bag(65, "woonfunctie", 90, CARE_BUURT));
        for (int a = 60; a <= 65; a++) {
            f.add("brp_residence", residents(a, 2, "2020-01-01", null));
        }
        f.add("bag_address", bag(66, "woonfunctie", 90, "BU04020104"));
        f.add("brp_residence", "c65_gone|2020-01-01|2026-10-31|" + address(65) + "|1990|resident",
                "c65_gone|2026-10-31||" + address(66) + "|1990|resident");
        f.add("care_provision",
                "p60_0|bijstand|2025-01-01||ISD", "p60_1|bijstand|2025-01-01||ISD",
                "p61_0|bijstand|2025-01-01||ISD", "p61_1|wmo_begeleiding|2026-10-31||Wmo",
                "p62_0|jeugdhulp_ambulant|2025-01-01||Jeugd", "p62_0|jeugdhulp_verblijf|2025-01-01|2026-11-01|Jeugd",
                "p62_0|wmo_hulpmiddel|2025-01-01||Wmo",
                "p64_0|bijstand|2025-01-01|2026-10-31|ISD", "p64_1|schuldhulp|2026-11-01||schuldhulp",
                "c65_gone|bijstand|2025-01-01||ISD", "c65_gone|wmo_begeleiding|2025-01-01||Wmo");
        f.writeTo(lake);
    }

    /** conf/catalogue/ copied, with one indicator file more, as an analyst would add one. */
    public static Path catalogueWithOneMoreIndicator(Path dir) {
        Path catalogue = dir.resolve("catalogue-plus-one");
        try {
            java.nio.file.Files.createDirectories(catalogue);
            try (var files = java.nio.file.Files.list(Path.of("conf/catalogue"))) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.copy(f, catalogue.resolve(f.getFileName()));
                }
            }
            java.nio.file.Files.writeString(catalogue.resolve("shop_addresses_pct.yaml"), """
                    id: shop_addresses_pct
                    kind: indicator
                    theme: undermining
                    scale: 100
                    description: Shop addresses (winkelfunctie) per 100 addresses.
                    practice: A test's indicator, as an analyst would add one.
                    sources: [bag_address]
                    sql: |
                      SELECT buurt_code, count_if(usage = 'winkelfunctie') AS numerator, count(*) AS denominator
                      FROM silver.address
                      WHERE as_of = ${as_of} AND buurt_code IS NOT NULL
                      GROUP BY buurt_code
                    """);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return catalogue;
    }
}
