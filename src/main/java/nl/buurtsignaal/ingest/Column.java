package nl.buurtsignaal.ingest;

import java.util.List;

/**
 * One column of a source in the data contract (section 2).
 *
 * @param type     string, int, long, double, boolean or date
 * @param required a required column must be present in every delivery and non-empty in every row
 * @param key      part of the source's key (used for delta deliveries and duplicate detection)
 * @param check    the shape the value must have: {@link Check}
 * @param allowed  for {@link Check#ENUM}: the allowed values
 */
public record Column(String name, String type, boolean required, boolean key, Check check, List<String> allowed) {

    /** The shapes the contract names for identifiers and codes. */
    public enum Check {
        NONE, PERSON, ADDRESS_ID, OBJECT_ID, KVK, ESTABLISHMENT_ID, BUURT_CODE, POSTCODE, SBI, ENUM, BUYER
    }

    static Column col(String name, String type, boolean required) {
        return new Column(name, type, required, false, Check.NONE, List.of());
    }

    static Column key(String name, String type) {
        return new Column(name, type, true, true, Check.NONE, List.of());
    }

    Column checked(Check check) {
        return new Column(name, type, required, key, check, allowed);
    }

    Column oneOf(String... values) {
        return new Column(name, type, required, key, Check.ENUM, List.of(values));
    }
}
