package nl.buurtsignaal.ingest;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.*;

/**
 * Column expressions that parse a delivery's string values into the contract's types and name
 * the first thing wrong with a row (contract section 2, "Bad rows"). Reasons name columns, never
 * values, so that a reason can be logged and audited without identifiers.
 */
public final class RowChecks {
    private static final String ID_16 = "^[0-9]{16}$";
    /** A KvK number, also the shape of a company's buyer_id. */
    public static final String KVK = "^[0-9]{8}$";
    private static final String ID_12 = "^[0-9]{12}$";
    private static final String BUURT = "^BU[0-9]{8}$";
    private static final String POSTCODE = "^[1-9][0-9]{3} ?[A-Z]{2}$";
    private static final String SBI = "^[0-9]{2}(\\.?[0-9]){0,3}$";
    private static final String PSEUDONYM = Pseudonymiser.PATTERN;
    /** The words a boolean column may hold, as SQL string lists (compared lower-cased and trimmed). */
    public static final String TRUE_WORDS = "'true','1','yes','ja','j','y','t'";
    public static final String FALSE_WORDS = "'false','0','no','nee','n','f'";
    /** A date outside these years is impossible for every source of the contract. */
    public static final int FIRST_YEAR = 1850;
    public static final int LAST_YEAR = 2100;

    private RowChecks() {
    }

    /** The typed value of a string column, null where it cannot be parsed. */
    static Column parsed(ContractColumn column, Column raw, String dateFormat) {
        return switch (column.type()) {
            case "int" -> raw.try_cast(DataTypes.IntegerType);
            case "long" -> raw.try_cast(DataTypes.LongType);
            case "double" -> raw.try_cast(DataTypes.DoubleType);
            case "boolean" -> when(lower(trim(raw)).isin(words(TRUE_WORDS)), lit(true))
                    .when(lower(trim(raw)).isin(words(FALSE_WORDS)), lit(false));
            case "date" -> {
                Column date = dateOf(raw, dateFormat);
                yield when(year(date).between(FIRST_YEAR, LAST_YEAR), date);
            }
            default -> raw;
        };
    }

    /** An ISO date's shape: Spark's cast alone also takes a shorter year, month or day, a time, spaces. */
    private static final String ISO_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

    /**
     * A string as a date in the delivery's pattern, null where it is not one. In the contract's
     * default pattern (and for parquet, whose dates arrive as ISO text) by shape and Spark's cast,
     * which reads an ISO date without a formatter per row: the formatter was a fifth of a large
     * delivery's time (JFR). Other patterns (the Dutch dd-MM-yyyy) go through Spark's formatter.
     * Both are strict: a day that does not exist in its month gives null.
     */
    static Column dateOf(Column raw, String pattern) {
        if (pattern.equals(Manifest.ISO_DATE_FORMAT)) {
            return when(raw.rlike(ISO_DATE), raw.try_cast(DataTypes.DateType));
        }
        return call_function("try_to_date", raw, lit(pattern));
    }

    private static Object[] words(String list) {
        return java.util.Arrays.stream(list.split(",")).map(w -> w.replace("'", "")).toArray();
    }

    /**
     * The first reason the row is bad, or null. {@code raw} holds the delivered strings,
     * {@code typed} the parsed values, {@code isRawBsnValid} the eleven-test of raw person ids.
     */
    static Column firstProblem(Sources.Source source, Map<String, Column> raw, Map<String, Column> typed,
                               boolean pseudonymised, Column isDeltaOpValid) {
        List<Column> problems = new ArrayList<>();
        for (ContractColumn column : source.columns()) {
            String name = column.name();
            Column value = raw.get(name);
            if (value == null) {
                continue;
            }
            if (column.required()) {
                problems.add(when(value.isNull(), lit(name + ": missing")));
            }
            if (!"string".equals(column.type())) {
                String what = "date".equals(column.type()) ? "an unparsable or impossible date" : "not a valid " + column.type();
                problems.add(when(value.isNotNull().and(typed.get(name).isNull()), lit(name + ": " + what)));
            }
            Column shape = shapeProblem(column, value, raw, pseudonymised);
            if (shape != null) {
                problems.add(when(value.isNotNull().and(shape), lit(name + ": " + describe(column))));
            }
        }
        for (String[] period : source.periods()) {
            Column start = typed.get(period[0]);
            Column end = typed.get(period[1]);
            if (start != null && end != null) {
                problems.add(when(end.lt(start), lit(period[1] + " before " + period[0])));
            }
        }
        if (isDeltaOpValid != null) {
            problems.add(when(not(isDeltaOpValid), lit("op: not U or D")));
        }
        return coalesce(problems.toArray(new Column[0]));
    }

    /** The regular expression of a shape check, or null for checks that are not one (person, enumeration, buyer). */
    public static String pattern(ContractColumn.Check check) {
        return switch (check) {
            case ADDRESS_ID, OBJECT_ID -> ID_16;
            case KVK -> KVK;
            case ESTABLISHMENT_ID -> ID_12;
            case BUURT_CODE -> BUURT;
            case POSTCODE -> POSTCODE;
            case SBI -> SBI;
            case PERSON, ENUM, BUYER, NONE -> null;
        };
    }

    /** True where the value does not have the column's shape. */
    private static Column shapeProblem(ContractColumn column, Column value, Map<String, Column> raw,
                                       boolean pseudonymised) {
        return switch (column.check()) {
            case PERSON -> isPerson(value, pseudonymised);
            case ADDRESS_ID, OBJECT_ID, KVK, ESTABLISHMENT_ID, BUURT_CODE, POSTCODE, SBI -> not(value.rlike(pattern(column.check())));
            case ENUM -> not(value.isin(column.allowed().toArray()));
            case BUYER -> {
                Column buyerType = raw.get("buyer_type");
                yield when(buyerType.equalTo("person"), isPerson(value, pseudonymised))
                        .when(buyerType.equalTo("company"), not(value.rlike(KVK)))
                        .otherwise(lit(false));
            }
            case NONE -> null;
        };
    }

    private static Column isPerson(Column value, boolean pseudonymised) {
        return pseudonymised ? not(value.rlike(PSEUDONYM)) : not(call_udf(DeliveryRows.IS_BSN_UDF, value));
    }

    private static String describe(ContractColumn column) {
        return switch (column.check()) {
            case PERSON -> "not a valid BSN (eleven-test) or pseudonym";
            case ADDRESS_ID -> "not a 16-digit BAG nummeraanduiding id";
            case OBJECT_ID -> "not a 16-digit BAG verblijfsobject id";
            case KVK -> "not an 8-digit KvK number";
            case ESTABLISHMENT_ID -> "not a 12-digit vestigingsnummer";
            case BUURT_CODE -> "not a CBS buurt code (BU + 8 digits)";
            case POSTCODE -> "not a Dutch postcode";
            case SBI -> "not an SBI code";
            case ENUM -> "unknown value";
            case BUYER -> "not a valid person id or KvK number for its buyer_type";
            case NONE -> "invalid";
        };
    }
}
