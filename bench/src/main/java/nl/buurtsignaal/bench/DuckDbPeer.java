package nl.buurtsignaal.bench;

import nl.buurtsignaal.config.CatalogueEntry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The bench's peer: the engine's silver tables, rules and indicators for one reference date in
 * DuckDB (in memory, embedded), over the same bronze files or straight from the delivered files
 * ({@link #landDeliveries}). Its SQL is in
 * {@code src/main/resources/bench/duckdb/}: one file for the silver tables and one per catalogue
 * entry, with the entry's parameters. Used by the bench and the tests only.
 */
final class DuckDbPeer implements AutoCloseable {
    private static final String SQL_DIR = "/bench/duckdb/";

    private final Connection db;
    private final DuckSql sql;

    DuckDbPeer(int threads, String memoryLimit) {
        try {
            db = DriverManager.getConnection("jdbc:duckdb:");
            sql = new DuckSql(db);
            sql.execute("SET threads = " + threads);
            sql.execute("SET memory_limit = '" + memoryLimit.replace("'", "") + "'");
            sql.execute("SET preserve_insertion_order = false");
            sql.execute("CREATE SCHEMA bronze; CREATE SCHEMA silver; CREATE SCHEMA ref");
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB did not start: " + e.getMessage(), e);
        }
    }

    /** Each bronze source as a view over the parquet files of its Delta table's current version. */
    void attachBronze(Map<String, List<String>> filesBySource) {
        filesBySource.forEach((source, files) -> sql.execute("CREATE OR REPLACE VIEW bronze." + source
                + " AS SELECT * FROM read_parquet([" + files.stream().map(DuckSql::quoted)
                .collect(Collectors.joining(", ")) + "])"));
    }

    /**
     * Each bronze source as a table made straight from the delivered files of the landing zones
     * (later zones win on equal delivery ids): DuckDB's own ingest, {@link DeliveredBronze}.
     */
    DeliveredBronze.Landed landDeliveries(List<java.nio.file.Path> zones, nl.buurtsignaal.ingest.KeyFile keys,
                                          Set<String> provisions, double maxBadShare) {
        return new DeliveredBronze(sql, keys, provisions, maxBadShare).land(zones);
    }

    /** The configuration the silver SQL needs: the risk branches and the law of each provision. */
    void reference(List<String> riskBranches, Map<String, String> lawOf) {
        sql.execute("CREATE OR REPLACE TABLE ref.risk_branch (code VARCHAR)");
        sql.execute("CREATE OR REPLACE TABLE ref.provision_law (provision VARCHAR, law VARCHAR)");
        try (PreparedStatement branch = db.prepareStatement("INSERT INTO ref.risk_branch VALUES (?)");
             PreparedStatement law = db.prepareStatement("INSERT INTO ref.provision_law VALUES (?, ?)")) {
            for (String code : riskBranches) {
                branch.setString(1, code.replace(".", ""));
                branch.executeUpdate();
            }
            for (Map.Entry<String, String> e : lawOf.entrySet()) {
                law.setString(1, e.getKey());
                law.setString(2, e.getValue());
                law.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void silver(LocalDate asOf) {
        String script = resource("silver.sql").replace("${as_of}", "DATE '" + asOf + "'");
        for (String statement : script.split(";\\s*\\n")) {
            if (!statement.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("--"))) {
                sql.execute(statement);
            }
        }
    }

    /** All rules into the table current_signal (which indicators may read); returns its row count. */
    long rules(List<CatalogueEntry> rules, LocalDate asOf) {
        List<String> parts = new ArrayList<>();
        for (CatalogueEntry rule : rules) {
            parts.add("SELECT " + DuckSql.quoted(rule.id()) + " AS rule_id, " + DuckSql.quoted(rule.subjectType()) + " AS subject_type, "
                    + "subject_id::VARCHAR AS subject_id, address_id::VARCHAR AS address_id, buurt_code::VARCHAR AS buurt_code, "
                    + "greatest(1, least(3, severity::INTEGER)) AS severity, evidence::VARCHAR AS evidence FROM ("
                    + sqlOf(rule, asOf) + ")");
        }
        sql.execute("CREATE OR REPLACE TABLE current_signal AS " + String.join("\nUNION ALL\n", parts));
        return count("current_signal");
    }

    /** All indicators' counts per buurt into the table indicator; returns its row count. */
    long indicators(List<CatalogueEntry> indicators, LocalDate asOf) {
        List<String> parts = new ArrayList<>();
        for (CatalogueEntry indicator : indicators) {
            parts.add("SELECT " + DuckSql.quoted(indicator.id()) + " AS indicator_id, buurt_code::VARCHAR AS buurt_code, "
                    + "numerator::BIGINT AS numerator, denominator::BIGINT AS denominator FROM ("
                    + sqlOf(indicator, asOf) + ") WHERE buurt_code IS NOT NULL");
        }
        sql.execute("CREATE OR REPLACE TABLE indicator AS " + String.join("\nUNION ALL\n", parts));
        return count("indicator");
    }

    /** Rows of the silver tables, as the engine's stage reads them. */
    long silverRows() {
        long rows = 0;
        for (String table : List.of("address", "residence", "resident", "household", "establishment", "company",
                "officer", "transfer", "enforcement_case", "provision")) {
            rows += count("silver." + table);
        }
        return rows;
    }

    /** A table's rows as the named columns' text joined by |, null as "null" (for tests). */
    Set<String> rows(String table, List<String> columns) {
        Set<String> out = new HashSet<>();
        sql.query("SELECT " + columns.stream().map(c -> "coalesce(\"" + c + "\"::VARCHAR, 'null')").collect(Collectors.joining(", "))
                + " FROM " + table, row -> out.add(String.join("|", row)));
        return out;
    }

    /** Signals as rule|subject|address|buurt|severity. */
    Set<String> signals() {
        Set<String> out = new HashSet<>();
        sql.query("SELECT rule_id, subject_id, address_id, buurt_code, severity FROM current_signal",
                row -> out.add(String.join("|", row)));
        return out;
    }

    /** Numerator and denominator per indicator|buurt, without rows that are 0 and 0. */
    Map<String, String> counts() {
        Map<String, String> out = new HashMap<>();
        sql.query("SELECT indicator_id, buurt_code, numerator, denominator FROM indicator "
                        + "WHERE numerator <> 0 OR denominator <> 0",
                row -> out.put(row.get(0) + "|" + row.get(1), row.get(2) + "/" + row.get(3)));
        return out;
    }

    private static String sqlOf(CatalogueEntry entry, LocalDate asOf) {
        return entry.bind(resource(entry.id() + ".sql"), asOf).replace("DATE'", "DATE '");
    }

    /** Whether the bench has a DuckDB twin for a catalogue entry (a new entry may have none yet). */
    static boolean hasTwin(CatalogueEntry entry) {
        return DuckDbPeer.class.getResource(SQL_DIR + entry.id() + ".sql") != null;
    }

    static String resource(String name) {
        try (InputStream in = DuckDbPeer.class.getResourceAsStream(SQL_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("the bench has no DuckDB SQL for " + name + " (" + SQL_DIR + name + ")");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long count(String table) {
        return sql.number("SELECT count(*) FROM " + table);
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // closing an in-memory database: nothing to keep
        }
    }
}
