package nl.buurtsignaal.models;

import java.nio.file.Path;
import java.time.LocalDate;

/**
 * One feature, as declared in one file under {@code conf/features/}: SQL over silver that gives,
 * for every point (an address at a point in time, the view {@code points}: point_id, address_id,
 * at), one value computed from what was known at that time.
 *
 * @param sql returns {@code point_id} and {@code value}; {@code ${as_of}} is the silver snapshot read
 */
public record Feature(String id, String description, String allowedBecause, String sql, Path file) {

    /** The SQL with the silver snapshot's date in place of {@code ${as_of}}. */
    public String boundSql(LocalDate snapshot) {
        return sql.replace("${as_of}", "DATE'" + snapshot + "'");
    }
}
