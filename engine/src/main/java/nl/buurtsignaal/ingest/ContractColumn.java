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
public record ContractColumn(String name, String type, boolean required, boolean key, Check check, List<String> allowed) {

    /** The shapes the contract names for identifiers and codes. */
    public enum Check {
        NONE, PERSON, ADDRESS_ID, OBJECT_ID, KVK, ESTABLISHMENT_ID, BUURT_CODE, POSTCODE, SBI, ENUM, BUYER
    }

    static ContractColumn col(String name, String type, boolean required) {
        return new ContractColumn(name, type, required, false, Check.NONE, List.of());
    }

    static ContractColumn key(String name, String type) {
        return new ContractColumn(name, type, true, true, Check.NONE, List.of());
    }

    ContractColumn checked(Check check) {
        return new ContractColumn(name, type, required, key, check, allowed);
    }

    ContractColumn oneOf(String... values) {
        return new ContractColumn(name, type, required, key, Check.ENUM, List.of(values));
    }
}
