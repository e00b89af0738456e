package nl.buurtsignaal.ingest;

import nl.buurtsignaal.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** A delivery's {@code _manifest.json} (contract section 1), parsed and checked. */
public record Manifest(
        String source,
        String deliveryId,
        String extractedAt,
        String format,
        String delimiter,
        String dateFormat,
        String encoding,
        List<DataFile> files,
        String kind,
        String identifiers,
        String keyId) {

    public static final String FILE_NAME = "_manifest.json";
    /** The contract's date pattern: csv's default, and how parquet dates are read as text. */
    public static final String ISO_DATE_FORMAT = "yyyy-MM-dd";
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    /** One data file as the manifest lists it. */
    public record DataFile(String name, long rows, String sha256) {
    }

    public boolean isCsv() {
        return "csv".equals(format);
    }

    public boolean isDelta() {
        return "delta".equals(kind);
    }

    public boolean isPseudonymised() {
        return "pseudonymised".equals(identifiers);
    }

    /**
     * Reads and checks a manifest. Every problem is a {@link DeliveryRejected} whose message names
     * the field, never a value that could identify a person.
     */
    /** Whether Java knows the encoding; an illegal name (found by the fuzz test) is simply unknown. */
    private static boolean isKnownCharset(String name) {
        try {
            return java.nio.charset.Charset.isSupported(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The manifest of a delivery folder on the local file system. */
    public static Manifest read(Path deliveryDir, String expectedSource) {
        Path file = deliveryDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new DeliveryRejected("manifest missing (" + FILE_NAME + ")");
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return parse(in, deliveryDir.getFileName().toString(), expectedSource);
        } catch (IOException e) {
            throw new DeliveryRejected("manifest cannot be read");
        }
    }

    /** The manifest of a delivery folder in a landing zone on any file system. */
    public static Manifest read(LandingZone zone, org.apache.hadoop.fs.Path deliveryDir, String expectedSource) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(deliveryDir, FILE_NAME);
        if (!zone.isFile(file)) {
            throw new DeliveryRejected("manifest missing (" + FILE_NAME + ")");
        }
        try (java.io.InputStream in = zone.open(file)) {
            return parse(in, deliveryDir.getName(), expectedSource);
        } catch (IOException e) {
            throw new DeliveryRejected("manifest cannot be read");
        }
    }

    private static Manifest parse(java.io.InputStream in, String folder, String expectedSource) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new DeliveryRejected("manifest malformed: not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new DeliveryRejected("manifest malformed: not a JSON object");
        }
        String source = text(root, "source");
        if (!expectedSource.equals(source)) {
            throw new DeliveryRejected("manifest malformed: source is '" + safe(source) + "', the folder says '" + expectedSource + "'");
        }
        String deliveryId = text(root, "delivery_id");
        if (!folder.equals(deliveryId)) {
            throw new DeliveryRejected("manifest malformed: delivery_id is '" + safe(deliveryId) + "', the folder says '" + folder + "'");
        }
        String extractedAt = text(root, "extracted_at");
        if (extractedAt == null || !isTimestamp(extractedAt)) {
            throw new DeliveryRejected("manifest malformed: extracted_at is missing or not an ISO-8601 timestamp");
        }
        String format = oneOf(root, "format", Set.of("parquet", "csv"));
        String kind = oneOf(root, "kind", Set.of("full", "delta"));
        String identifiers = oneOf(root, "identifiers", Set.of("raw", "pseudonymised"));
        String keyId = text(root, "key_id");
        if ("pseudonymised".equals(identifiers) && (keyId == null || keyId.isBlank())) {
            throw new DeliveryRejected("manifest malformed: key_id is required with identifiers pseudonymised");
        }
        String delimiter = ",";
        String dateFormat = ISO_DATE_FORMAT;
        String encoding = "UTF-8";
        JsonNode csv = root.get("csv");
        if (csv != null && !csv.isNull()) {
            if (!csv.isObject()) {
                throw new DeliveryRejected("manifest malformed: csv must be an object");
            }
            delimiter = csv.hasNonNull("delimiter") ? csv.get("delimiter").asText() : delimiter;
            dateFormat = csv.hasNonNull("date_format") ? csv.get("date_format").asText() : dateFormat;
            encoding = csv.hasNonNull("encoding") ? csv.get("encoding").asText() : encoding;
            if (delimiter.length() != 1 || "\"".equals(delimiter) || "\n".equals(delimiter) || "\r".equals(delimiter)) {
                throw new DeliveryRejected("manifest malformed: csv.delimiter must be one character other than a quote or line break");
            }
            try {
                DateTimeFormatter.ofPattern(dateFormat);
            } catch (IllegalArgumentException e) {
                throw new DeliveryRejected("manifest malformed: csv.date_format is not a date pattern");
            }
            if (!isKnownCharset(encoding)) {
                throw new DeliveryRejected("manifest malformed: csv.encoding '" + safe(encoding) + "' is not known");
            }
        }
        JsonNode filesNode = root.get("files");
        if (filesNode == null || !filesNode.isArray() || filesNode.isEmpty()) {
            throw new DeliveryRejected("manifest malformed: files must be a non-empty list");
        }
        List<DataFile> files = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode f : filesNode) {
            String name = text(f, "name");
            if (name == null || !SAFE_NAME.matcher(name).matches() || name.equals(FILE_NAME) || name.startsWith(".")) {
                throw new DeliveryRejected("manifest malformed: a file name is missing or not a plain file name");
            }
            if (!names.add(name)) {
                throw new DeliveryRejected("manifest malformed: file " + name + " is listed twice");
            }
            JsonNode rows = f.get("rows");
            if (rows == null || !rows.canConvertToLong() || !rows.isIntegralNumber() || rows.asLong() < 0) {
                throw new DeliveryRejected("manifest malformed: rows of " + name + " is not a non-negative whole number");
            }
            String sha = text(f, "sha256");
            if (sha == null || !SHA256.matcher(sha).matches()) {
                throw new DeliveryRejected("manifest malformed: sha256 of " + name + " is not 64 hex digits");
            }
            files.add(new DataFile(name, rows.asLong(), sha.toLowerCase(java.util.Locale.ROOT)));
        }
        return new Manifest(source, deliveryId, extractedAt, format, delimiter, dateFormat, encoding,
                List.copyOf(files), kind, identifiers, keyId);
    }

    private static boolean isTimestamp(String value) {
        try {
            OffsetDateTime.parse(value);
            return true;
        } catch (DateTimeParseException e) {
            try {
                LocalDateTime.parse(value);
                return true;
            } catch (DateTimeParseException e2) {
                return false;
            }
        }
    }

    private static String oneOf(JsonNode root, String field, Set<String> allowed) {
        String value = text(root, field);
        if (value == null || !allowed.contains(value)) {
            throw new DeliveryRejected("manifest malformed: " + field + " must be one of " + new java.util.TreeSet<>(allowed));
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }

    /** Manifest values echoed in messages are cut short and stripped to safe characters. */
    private static String safe(String value) {
        if (value == null) {
            return "";
        }
        String cleaned = value.replaceAll("[^A-Za-z0-9._:-]", "?");
        return cleaned.length() > 40 ? cleaned.substring(0, 40) + "…" : cleaned;
    }
}
