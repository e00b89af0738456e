package nl.buurtsignaal.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Statements on the bench's DuckDB connection, each failure one IllegalStateException naming DuckDB's reason. */
final class DuckSql {
    private final Connection db;

    DuckSql(Connection db) {
        this.db = db;
    }

    Connection connection() {
        return db;
    }

    void execute(String sql) {
        try (Statement statement = db.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB: " + e.getMessage(), e);
        }
    }

    /** Each row of the result as text, in column order. */
    void query(String sql, Consumer<List<String>> onRow) {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rows.getString(i));
                }
                onRow.accept(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB: " + e.getMessage(), e);
        }
    }

    /** The single number a query such as {@code SELECT count(*) …} returns. */
    long number(String sql) {
        long[] n = new long[1];
        query(sql, row -> n[0] = Long.parseLong(row.get(0)));
        return n[0];
    }

    static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
