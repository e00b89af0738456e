package nl.buurtsignaal.bench;

import nl.buurtsignaal.base.Hashing;
import nl.buurtsignaal.ingest.ContractColumn;
import nl.buurtsignaal.ingest.DeliveryRejected;
import nl.buurtsignaal.ingest.KeyFile;
import nl.buurtsignaal.ingest.Manifest;
import nl.buurtsignaal.ingest.Pseudonymiser;
import nl.buurtsignaal.ingest.RowChecks;
import nl.buurtsignaal.ingest.Sources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The DuckDB peer's ingest: each source's bronze table straight from the delivered files, as the
 * contract says (sections 1-3), in SQL: csv in the manifest's dialect or parquet, every file's
 * checksum and row count, the required and forbidden columns, every row check (types, dates,
 * shapes, the BSN eleven-test, enumerations, periods, a key delivered twice), the share of bad rows,
 * and the pseudonym as HMAC-SHA256 built from DuckDB's sha256. A source's state is its latest
 * accepted delivery; only {@code full} deliveries are read (the bench's cities have no other kind).
 *
 * <p>The key's inner and outer pads sit in a temporary table, bound as parameters: they never
 * appear in a statement's text, so not in an error message either. A delivery's rows are held raw
 * in DuckDB's memory (and its temporary directory, should it spill) until pseudonymised: for the
 * bench's synthetic cities and the tests only, never for real deliveries.
 */
final class DeliveredBronze {
    /** What was read: delivered rows and the bad ones left out, over the deliveries that count. */
    record Landed(long rowsRead, long badRows, List<String> deliveries) {
    }

    private final DuckSql sql;
    private final KeyFile keys;
    private final Set<String> provisions;
    private final double maxBadShare;

    DeliveredBronze(DuckSql sql, KeyFile keys, Set<String> provisions, double maxBadShare) {
        this.sql = sql;
        this.keys = keys;
        this.provisions = provisions;
        this.maxBadShare = maxBadShare;
        byte[] secret = keys.currentSecret();
        try {
            hmacPads(secret);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    /** Creates bronze.<source> for every contract source from the landing zones (later zones win on equal ids). */
    Landed land(List<Path> zones) {
        long rows = 0;
        long bad = 0;
        List<String> used = new ArrayList<>();
        for (String source : Sources.names()) {
            Sources.Source contract = Sources.byName(source).orElseThrow();
            List<Path> deliveries = deliveriesOf(zones, source);
            Landed landed = null;
            for (int i = deliveries.size() - 1; i >= 0 && landed == null; i--) {
                try {
                    landed = landOne(contract, deliveries.get(i));
                } catch (DeliveryRejected rejected) {
                    landed = null; // the state stays that of the delivery before it
                }
            }
            if (landed == null) {
                sql.execute("CREATE OR REPLACE TABLE bronze." + source + " AS SELECT " + contract.columns().stream()
                        .map(c -> "NULL::" + duckType(c.type()) + " AS " + c.name()).collect(Collectors.joining(", "))
                        + " WHERE false");
                continue;
            }
            rows += landed.rowsRead();
            bad += landed.badRows();
            used.addAll(landed.deliveries());
        }
        sql.execute("DROP TABLE IF EXISTS delivered");
        return new Landed(rows, bad, used);
    }

    private static List<Path> deliveriesOf(List<Path> zones, String source) {
        Map<String, Path> byId = new HashMap<>();
        for (Path zone : zones) {
            Path dir = zone.resolve(source);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                entries.filter(Files::isDirectory).forEach(d -> byId.put(d.getFileName().toString(), d));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return byId.keySet().stream().sorted().map(byId::get).toList();
    }

    private Landed landOne(Sources.Source source, Path delivery) {
        Manifest manifest = Manifest.read(delivery, source.name());
        if (manifest.isDelta()) {
            throw new IllegalStateException("the bench's DuckDB peer reads full deliveries only; "
                    + source.name() + "/" + manifest.deliveryId() + " is a delta");
        }
        if (manifest.isPseudonymised() && !keys.has(manifest.keyId())) {
            throw new DeliveryRejected("unknown key_id");
        }
        List<Manifest.DataFile> files = manifest.files().stream().sorted(Comparator.comparing(Manifest.DataFile::name)).toList();
        Set<String> listed = files.stream().map(Manifest.DataFile::name).collect(Collectors.toSet());
        try (Stream<Path> entries = Files.list(delivery)) {
            if (entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(Manifest.FILE_NAME)).anyMatch(n -> !listed.contains(n))) {
                throw new DeliveryRejected("file set");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Manifest.DataFile file : files) {
            Path path = delivery.resolve(file.name());
            if (!Files.isRegularFile(path) || !Hashing.sha256(path).equals(file.sha256())) {
                throw new DeliveryRejected("checksum");
            }
        }
        readDelivered(manifest, delivery, files);
        Set<String> present = columns();
        for (String column : present) {
            if (!column.equals("filename") && source.column(column).isEmpty() && Sources.isForbidden(column)) {
                throw new DeliveryRejected("forbidden column");
            }
        }
        for (ContractColumn column : source.columns()) {
            if (column.required() && !present.contains(column.name())) {
                throw new DeliveryRejected("missing column");
            }
        }
        Map<String, Long> perFile = new HashMap<>();
        sql.query("SELECT parse_filename(filename), count(*) FROM delivered GROUP BY ALL",
                row -> perFile.put(row.get(0), Long.parseLong(row.get(1))));
        long rows = 0;
        for (Manifest.DataFile file : files) {
            if (perFile.getOrDefault(file.name(), 0L) != file.rows()) {
                throw new DeliveryRejected("row count");
            }
            rows += file.rows();
        }

        String format = strptime(manifest.isCsv() ? manifest.dateFormat() : Manifest.ISO_DATE_FORMAT);
        List<String> typed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ContractColumn column : source.columns()) {
            String raw = present.contains(column.name()) ? "nullif(\"" + column.name() + "\", '')" : "NULL::VARCHAR";
            String value = parsed(column, raw, format);
            typed.add(value + " AS t_" + column.name());
            if (column.required()) {
                problems.add(raw + " IS NULL");
            }
            if (!"string".equals(column.type())) {
                problems.add("(" + raw + " IS NOT NULL AND " + value + " IS NULL)");
            }
            String shape = shapeProblem(column, raw, manifest.isPseudonymised());
            if (shape != null) {
                problems.add("coalesce(" + raw + " IS NOT NULL AND (" + shape + "), false)");
            }
        }
        for (String[] period : source.periods()) {
            problems.add("t_" + period[1] + " < t_" + period[0]);
        }
        if (source.name().equals("care_provision")) {
            problems.add("t_provision NOT IN (" + provisions.stream().map(DuckSql::quoted)
                    .collect(Collectors.joining(", ")) + ")");
        }
        String keyColumns = source.keyColumns().stream().map(k -> "t_" + k).collect(Collectors.joining(", "));
        // A key delivered twice: the first in file and row order counts (the rowid of "delivered").
        sql.execute("CREATE OR REPLACE TEMP TABLE checked AS "
                + "WITH t AS (SELECT *, rowid AS _order, " + String.join(", ", typed) + " FROM delivered), "
                + "p AS (SELECT *, " + problems.stream().map(p -> "coalesce(" + p + ", false)").collect(Collectors.joining(" OR "))
                + " AS _bad FROM t) "
                + "SELECT *, CASE WHEN NOT _bad THEN row_number() OVER (PARTITION BY _bad, " + keyColumns + " ORDER BY _order) END AS _rank FROM p");
        long good = sql.number("SELECT count(*) FROM checked WHERE _rank = 1");
        long badRows = rows - good;
        if (rows > 0 && (double) badRows / rows > maxBadShare) {
            throw new DeliveryRejected("bad rows");
        }
        sql.execute("CREATE OR REPLACE TABLE bronze." + source.name() + " AS SELECT "
                + source.columns().stream().map(c -> pseudonymised(c, manifest) + "::" + duckType(c.type()) + " AS " + c.name())
                .collect(Collectors.joining(", ")) + " FROM checked WHERE _rank = 1");
        sql.execute("DROP TABLE checked");
        return new Landed(rows, badRows, List.of(source.name() + "/" + manifest.deliveryId()));
    }

    /**
     * The delivered rows, every column a string, in file and row order: a table whose rowid is that
     * order (DuckDB keeps insertion order while the setting says so).
     */
    private void readDelivered(Manifest manifest, Path delivery, List<Manifest.DataFile> files) {
        String list = "[" + files.stream().map(f -> DuckSql.quoted(delivery.resolve(f.name()).toString()))
                .collect(Collectors.joining(", ")) + "]";
        if (manifest.isCsv() && !manifest.encoding().equalsIgnoreCase("UTF-8")) {
            throw new IllegalStateException("the bench's DuckDB peer reads UTF-8 csv only");
        }
        sql.execute("SET preserve_insertion_order = true");
        try {
            if (manifest.isCsv()) {
                sql.execute("CREATE OR REPLACE TEMP TABLE delivered AS SELECT * FROM read_csv(" + list
                        + ", delim = " + DuckSql.quoted(manifest.delimiter()) + ", quote = '\"', escape = '\"', header = true,"
                        + " all_varchar = true, filename = true, union_by_name = true, auto_detect = true)");
                renameStripped();
            } else {
                sql.execute("CREATE OR REPLACE TEMP TABLE raw_parquet AS SELECT * FROM read_parquet(" + list
                        + ", filename = true, union_by_name = true)");
                List<String> casts = new ArrayList<>();
                sql.query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'raw_parquet' "
                        + "ORDER BY ordinal_position", row -> casts.add(row.get(0).equals("filename") ? "filename"
                        : (row.get(1).equals("DATE") || row.get(1).startsWith("TIMESTAMP")
                        ? "strftime(\"" + row.get(0) + "\", '%Y-%m-%d')" : "\"" + row.get(0) + "\"::VARCHAR")
                        + " AS \"" + row.get(0).strip() + "\""));
                sql.execute("CREATE OR REPLACE TEMP TABLE delivered AS SELECT " + String.join(", ", casts) + " FROM raw_parquet");
                sql.execute("DROP TABLE raw_parquet");
            }
        } catch (IllegalStateException unreadable) {
            throw new DeliveryRejected("data files cannot be read as " + manifest.format());
        } finally {
            sql.execute("SET preserve_insertion_order = false");
        }
    }

    private void renameStripped() {
        for (String column : columns()) {
            if (!column.equals(column.strip())) {
                sql.execute("ALTER TABLE delivered RENAME \"" + column + "\" TO \"" + column.strip() + "\"");
            }
        }
    }

    private Set<String> columns() {
        Set<String> names = new LinkedHashSet<>();
        sql.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'delivered' ORDER BY ordinal_position",
                row -> names.add(row.get(0)));
        return names;
    }

    private static String parsed(ContractColumn column, String raw, String format) {
        return switch (column.type()) {
            case "int" -> "TRY_CAST(" + raw + " AS INTEGER)";
            case "long" -> "TRY_CAST(" + raw + " AS BIGINT)";
            case "double" -> "TRY_CAST(" + raw + " AS DOUBLE)";
            case "boolean" -> "CASE WHEN lower(trim(" + raw + ")) IN (" + RowChecks.TRUE_WORDS + ") THEN true "
                    + "WHEN lower(trim(" + raw + ")) IN (" + RowChecks.FALSE_WORDS + ") THEN false END";
            case "date" -> "(CASE WHEN year(try_strptime(" + raw + ", '" + format + "')) BETWEEN "
                    + RowChecks.FIRST_YEAR + " AND " + RowChecks.LAST_YEAR + " "
                    + "THEN try_strptime(" + raw + ", '" + format + "')::DATE END)";
            default -> raw;
        };
    }

    /** True where a non-null value does not have the column's shape (over the raw strings). */
    private static String shapeProblem(ContractColumn column, String raw, boolean pseudonymised) {
        return switch (column.check()) {
            case PERSON -> notPerson(raw, pseudonymised);
            case ADDRESS_ID, OBJECT_ID, KVK, ESTABLISHMENT_ID, BUURT_CODE, POSTCODE, SBI ->
                    "NOT regexp_matches(" + raw + ", " + DuckSql.quoted(RowChecks.pattern(column.check())) + ")";
            case ENUM -> raw + " NOT IN (" + column.allowed().stream().map(DuckSql::quoted)
                    .collect(Collectors.joining(", ")) + ")";
            case BUYER -> "CASE nullif(\"buyer_type\", '') WHEN 'person' THEN " + notPerson(raw, pseudonymised)
                    + " WHEN 'company' THEN NOT regexp_matches(" + raw + ", " + DuckSql.quoted(RowChecks.KVK) + ") ELSE false END";
            case NONE -> null;
        };
    }

    /** Not a pseudonym, or (raw) not a BSN that passes the eleven-test. */
    private static String notPerson(String raw, boolean pseudonymised) {
        if (pseudonymised) {
            return "NOT regexp_matches(" + raw + ", " + DuckSql.quoted(Pseudonymiser.PATTERN) + ")";
        }
        StringBuilder sum = new StringBuilder();
        for (int i = 1; i <= 9; i++) {
            int weight = i < 9 ? 10 - i : -1;
            sum.append(i > 1 ? " + " : "").append(weight).append(" * ascii(substr(").append(raw).append(", ")
                    .append(i).append(", 1)) - ").append(weight * 48);
        }
        return "NOT (regexp_full_match(" + raw + ", '[0-9]{9}') AND " + raw + " <> '000000000' AND (" + sum + ") % 11 = 0)";
    }

    private static String pseudonymised(ContractColumn column, Manifest manifest) {
        String value = "t_" + column.name();
        if (manifest.isPseudonymised()) {
            return value;
        }
        return switch (column.check()) {
            case PERSON -> "bs_pseudonym(" + value + ")";
            case BUYER -> "CASE WHEN t_buyer_type = 'company' THEN " + value + " ELSE bs_pseudonym(" + value + ") END";
            default -> value;
        };
    }

    /**
     * HMAC-SHA256(key, "person:" + bsn) as lowercase hex, in SQL: sha256(outer pad || sha256(inner
     * pad || message)), the pads bound as parameters into a table of one row.
     */
    private void hmacPads(byte[] secret) {
        byte[] key = secret.length > 64 ? sha256(secret) : secret;
        byte[] inner = new byte[64];
        byte[] outer = new byte[64];
        for (int i = 0; i < 64; i++) {
            byte k = i < key.length ? key[i] : 0;
            inner[i] = (byte) (k ^ 0x36);
            outer[i] = (byte) (k ^ 0x5c);
        }
        sql.execute("CREATE OR REPLACE TEMP TABLE hmac_pads (inner_pad BLOB, outer_pad BLOB)");
        try (PreparedStatement insert = sql.connection().prepareStatement("INSERT INTO hmac_pads VALUES (?, ?)")) {
            insert.setBytes(1, inner);
            insert.setBytes(2, outer);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB: the key's pads could not be stored", e);
        }
        java.util.Arrays.fill(inner, (byte) 0);
        java.util.Arrays.fill(outer, (byte) 0);
        sql.execute("CREATE OR REPLACE TEMP MACRO bs_pseudonym(v) AS CASE WHEN v IS NOT NULL THEN "
                + "sha256((SELECT outer_pad FROM hmac_pads) || unhex(sha256((SELECT inner_pad FROM hmac_pads) "
                + "|| encode('person:' || v)))) END");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** A Java date pattern of the contract (yyyy, MM, dd and separators) as DuckDB's strptime format. */
    static String strptime(String pattern) {
        String format = pattern.replace("yyyy", "%Y").replace("MM", "%m").replace("dd", "%d");
        if (format.replaceAll("%[Ymd]", "").chars().anyMatch(c -> Character.isLetter(c) || c == '\'' || c == '%')) {
            throw new IllegalStateException("the bench's DuckDB peer cannot read date_format " + pattern);
        }
        return format;
    }

    private static String duckType(String type) {
        return switch (type) {
            case "int" -> "INTEGER";
            case "long" -> "BIGINT";
            case "double" -> "DOUBLE";
            case "boolean" -> "BOOLEAN";
            case "date" -> "DATE";
            default -> "VARCHAR";
        };
    }
}
