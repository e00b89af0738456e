package nl.buurtsignaal.lake;

import org.apache.spark.sql.Column;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * A reference date (contract section 4's {@code as_of}) in the forms the engine hands it on: the
 * column value, the filter on a table's {@code as_of}, the Delta predicate of a replaceWhere, and
 * the named parameter of Spark's parameterised SQL ({@code spark.sql(text, args)}, {@code :as_of}).
 * One place builds each form, so that none is written by hand.
 */
public record AsOf(LocalDate date) {
    public static final String PARAMETER = "as_of";

    public AsOf {
        java.util.Objects.requireNonNull(date, "as_of");
    }

    public static AsOf of(LocalDate date) {
        return new AsOf(date);
    }

    /** The date as a column value (a DATE literal). */
    public Column value() {
        return lit(Date.valueOf(date));
    }

    /** The rows of this date: {@code as_of = DATE'…'} as a column. */
    public Column rows() {
        return col("as_of").equalTo(value());
    }

    /** The rows of this date as a Delta predicate (replaceWhere), optionally narrowed by {@code and}. */
    public String predicate(String and) {
        return "as_of = DATE'" + date + "'" + (and == null || and.isEmpty() ? "" : " AND " + and);
    }

    /** The named parameter {@code :as_of} for {@code spark.sql(text, args)}. */
    public Map<String, Object> args() {
        return Map.of(PARAMETER, Date.valueOf(date));
    }

    @Override
    public String toString() {
        return date.toString();
    }
}
