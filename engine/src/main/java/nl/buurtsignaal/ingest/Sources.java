package nl.buurtsignaal.ingest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static nl.buurtsignaal.ingest.ContractColumn.Check.*;
import static nl.buurtsignaal.ingest.ContractColumn.col;
import static nl.buurtsignaal.ingest.ContractColumn.key;

/** The sources of contract section 2: their columns, keys, checks and row-level rules. */
public final class Sources {

    /**
     * One source. {@code periods} are pairs of date columns (start, end) where the end may not
     * precede the start.
     */
    public record Source(String name, List<ContractColumn> columns, List<String[]> periods) {
        public List<String> keyColumns() {
            return columns.stream().filter(ContractColumn::key).map(ContractColumn::name).toList();
        }

        public Optional<ContractColumn> column(String name) {
            return columns.stream().filter(c -> c.name().equals(name)).findFirst();
        }
    }

    private static final String[] USAGES = {"woonfunctie", "winkelfunctie", "kantoorfunctie", "bijeenkomstfunctie",
            "logiesfunctie", "industriefunctie", "gezondheidszorgfunctie", "onderwijsfunctie", "sportfunctie",
            "celfunctie", "overige gebruiksfunctie"};

    private static final Map<String, Source> SOURCES = new LinkedHashMap<>();

    static {
        add(new Source("brp_residence", List.of(
                key("person_id", "string").checked(PERSON),
                key("valid_from", "date"),
                col("valid_to", "date", false),
                col("address_id", "string", true).checked(ADDRESS_ID),
                col("birth_year", "int", true),
                col("status", "string", true).oneOf("resident", "vow", "emigrated", "deceased")),
                List.<String[]>of(new String[]{"valid_from", "valid_to"})));
        add(new Source("bag_address", List.of(
                key("address_id", "string").checked(ADDRESS_ID),
                col("object_id", "string", true).checked(OBJECT_ID),
                col("postcode", "string", true).checked(POSTCODE),
                col("house_number", "int", true),
                col("house_letter", "string", false),
                col("house_number_addition", "string", false),
                col("street", "string", true),
                col("place", "string", true),
                col("usage", "string", true).oneOf(USAGES),
                col("floor_area_m2", "int", true),
                col("buurt_code", "string", true).checked(BUURT_CODE),
                col("x_rd", "double", false),
                col("y_rd", "double", false)),
                List.of()));
        add(new Source("hr_establishment", List.of(
                key("establishment_id", "string").checked(ESTABLISHMENT_ID),
                col("kvk_number", "string", true).checked(KVK),
                col("address_id", "string", true).checked(ADDRESS_ID),
                col("sbi_code", "string", true).checked(SBI),
                col("trade_name", "string", true),
                col("legal_form", "string", true),
                col("registered_on", "date", true),
                col("deregistered_on", "date", false)),
                List.<String[]>of(new String[]{"registered_on", "deregistered_on"})));
        add(new Source("hr_officer", List.of(
                key("kvk_number", "string").checked(KVK),
                key("person_id", "string").checked(PERSON),
                key("role", "string").oneOf("eigenaar", "bestuurder", "vennoot", "gevolmachtigde"),
                key("valid_from", "date"),
                col("valid_to", "date", false)),
                List.<String[]>of(new String[]{"valid_from", "valid_to"})));
        add(new Source("woz_value", List.of(
                key("object_id", "string").checked(OBJECT_ID),
                key("reference_date", "date"),
                col("value_eur", "long", true)),
                List.of()));
        add(new Source("brk_transfer", List.of(
                key("transfer_id", "string"),
                col("object_id", "string", true).checked(OBJECT_ID),
                col("transfer_date", "date", true),
                col("buyer_type", "string", true).oneOf("person", "company"),
                col("buyer_id", "string", true).checked(BUYER),
                col("price_eur", "long", true),
                col("mortgage_registered", "boolean", true)),
                List.of()));
        add(new Source("enforcement_case", List.of(
                key("case_id", "string"),
                col("address_id", "string", true).checked(ADDRESS_ID),
                col("kvk_number", "string", false).checked(KVK),
                col("opened_on", "date", true),
                col("closed_on", "date", false),
                col("case_type", "string", true).oneOf("inspection", "complaint_drugs", "complaint_nuisance",
                        "housing_fraud", "permit_violation", "closure_13b", "bibob_refusal", "environment"),
                col("outcome", "string", false).oneOf("no_violation", "warning", "penalty", "closure", "refusal", "pending")),
                List.<String[]>of(new String[]{"opened_on", "closed_on"})));
        add(new Source("care_provision", List.of(
                key("person_id", "string").checked(PERSON),
                key("provision", "string"),
                key("valid_from", "date"),
                col("valid_to", "date", false),
                col("partner", "string", true)),
                List.<String[]>of(new String[]{"valid_from", "valid_to"})));
    }

    private static void add(Source source) {
        SOURCES.put(source.name(), source);
    }

    private Sources() {
    }

    public static Optional<Source> byName(String name) {
        return Optional.ofNullable(SOURCES.get(name));
    }

    public static Set<String> names() {
        return SOURCES.keySet();
    }

    /**
     * ContractColumn names of special categories or needless direct identifiers (contract section 2, data
     * minimisation), compared after lower-casing and removing everything but letters. A delivery
     * carrying one is rejected whole.
     */
    private static final List<String> FORBIDDEN = List.of(
            "nationality", "nationaliteit", "countryofbirth", "birthcountry", "geboorteland", "placeofbirth",
            "birthplace", "geboorteplaats", "ethnicity", "etniciteit", "ethnic", "religion", "religie",
            "geloof", "gender", "sex", "geslacht", "name", "naam", "firstname", "voornaam", "voornamen",
            "lastname", "surname", "achternaam", "familienaam", "geslachtsnaam", "dateofbirth", "birthdate",
            "geboortedatum", "dob", "telephone", "phone", "telefoon", "telefoonnummer", "mobiel", "mobile",
            "email", "emailadres", "mail", "iban", "bankrekening", "rekeningnummer", "bsn", "sofinummer",
            "burgerservicenummer", "passport", "paspoort", "paspoortnummer");

    public static boolean isForbidden(String column) {
        String folded = column.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        if (FORBIDDEN.contains(folded)) {
            return true;
        }
        // Prefixed or suffixed variants: person_nationality, geboortedatum_kind, iban_nr, e_mail.
        for (String word : List.of("nationalit", "geboorte", "birth", "etnic", "ethnic", "religi", "iban",
                "email", "telefoon", "phone", "geslacht", "gender", "achternaam", "voornaam", "paspoort", "passport")) {
            if (folded.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a BSN passes the eleven-test: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11). */
    public static boolean isBsn(String value) {
        if (value == null || value.length() != 9) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            int weight = i < 8 ? 9 - i : -1;
            sum += weight * (c - '0');
        }
        return sum % 11 == 0 && !"000000000".equals(value);
    }
}
