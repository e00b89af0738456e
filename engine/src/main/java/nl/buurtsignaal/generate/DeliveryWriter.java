package nl.buurtsignaal.generate;

import nl.buurtsignaal.base.Json;
import nl.buurtsignaal.base.Csv;
import nl.buurtsignaal.base.Hashing;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import nl.buurtsignaal.ingest.ContractColumn;
import nl.buurtsignaal.ingest.Sources;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Types;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes one delivery of the contract: rows streamed into part files of at most
 * {@code rowsPerFile} rows (parquet, or csv in a given dialect), then {@code _manifest.json} with
 * every file's row count and SHA-256. Memory stays bounded whatever the number of rows.
 */
final class DeliveryWriter implements AutoCloseable {
    /** A csv dialect of the manifest's {@code csv} field. */
    record CsvDialect(char delimiter, String dateFormat) {
        static final CsvDialect DEFAULT = new CsvDialect(',', "yyyy-MM-dd");
        static final CsvDialect DUTCH = new CsvDialect(';', "dd-MM-yyyy");
    }

    private static final ObjectWriter JSON = Json.PRETTY; // manifests a person may open

    private final Sources.Source source;
    private final Path dir;
    private final String deliveryId;
    private final String extractedAt;
    private final CsvDialect csv;
    private final boolean pseudonymised;
    private final String keyId;
    private final long rowsPerFile;
    private final List<long[]> fileRows = new ArrayList<>();
    private final List<String> fileNames = new ArrayList<>();
    private final MessageType schema;
    private final DateTimeFormatter dateFormat;

    private ParquetWriter<Group> parquet;
    private BufferedWriter text;
    private SimpleGroupFactory groups;
    private long rowsInFile;

    DeliveryWriter(Path landing, String sourceName, String deliveryId, String extractedAt, CsvDialect csv,
                   boolean pseudonymised, String keyId, long rowsPerFile) {
        this.source = Sources.byName(sourceName).orElseThrow();
        this.dir = landing.resolve(sourceName).resolve(deliveryId);
        this.deliveryId = deliveryId;
        this.extractedAt = extractedAt;
        this.csv = csv;
        this.pseudonymised = pseudonymised;
        this.keyId = keyId;
        this.rowsPerFile = rowsPerFile;
        this.schema = parquetSchema(source);
        this.dateFormat = DateTimeFormatter.ofPattern(csv == null ? "yyyy-MM-dd" : csv.dateFormat());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageType parquetSchema(Sources.Source source) {
        Types.MessageTypeBuilder builder = Types.buildMessage();
        for (ContractColumn c : source.columns()) {
            switch (c.type()) {
                case "int" -> builder.optional(PrimitiveType.PrimitiveTypeName.INT32).named(c.name());
                case "long" -> builder.optional(PrimitiveType.PrimitiveTypeName.INT64).named(c.name());
                case "double" -> builder.optional(PrimitiveType.PrimitiveTypeName.DOUBLE).named(c.name());
                case "boolean" -> builder.optional(PrimitiveType.PrimitiveTypeName.BOOLEAN).named(c.name());
                case "date" -> builder.optional(PrimitiveType.PrimitiveTypeName.INT32)
                        .as(LogicalTypeAnnotation.dateType()).named(c.name());
                default -> builder.optional(PrimitiveType.PrimitiveTypeName.BINARY)
                        .as(LogicalTypeAnnotation.stringType()).named(c.name());
            }
        }
        return builder.named(source.name());
    }

    /** One row, values in the source's column order (String, Integer, Long, Double, Boolean, LocalDate or null). */
    void write(Object... values) {
        try {
            if ((parquet == null && text == null) || rowsInFile >= rowsPerFile) {
                nextFile();
            }
            if (csv == null) {
                writeParquet(values);
            } else {
                writeCsv(values);
            }
            rowsInFile++;
            fileRows.get(fileRows.size() - 1)[0]++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeParquet(Object[] values) throws IOException {
        Group group = groups.newGroup();
        List<ContractColumn> columns = source.columns();
        for (int i = 0; i < columns.size(); i++) {
            Object v = values[i];
            if (v == null) {
                continue;
            }
            String name = columns.get(i).name();
            if (v instanceof Integer n) {
                group.append(name, n);
            } else if (v instanceof Long n) {
                group.append(name, n);
            } else if (v instanceof Double n) {
                group.append(name, n);
            } else if (v instanceof Boolean b) {
                group.append(name, b);
            } else if (v instanceof LocalDate d) {
                group.append(name, (int) d.toEpochDay());
            } else {
                group.append(name, v.toString());
            }
        }
        parquet.write(group);
    }

    private void writeCsv(Object[] values) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(csv.delimiter());
            }
            Object v = values[i];
            if (v == null) {
                continue;
            }
            String s = v instanceof LocalDate d ? dateFormat.format(d) : v.toString();
            line.append(Csv.quote(s, csv.delimiter()));
        }
        text.write(line.toString());
        text.write('\n');
    }

    private void nextFile() throws IOException {
        closeFile();
        String name = String.format("part-%05d.%s", fileNames.size(), csv == null ? "parquet" : "csv");
        Path file = dir.resolve(name);
        Files.deleteIfExists(file);
        fileNames.add(name);
        fileRows.add(new long[1]);
        rowsInFile = 0;
        if (csv == null) {
            groups = new SimpleGroupFactory(schema);
            parquet = ExampleParquetWriter.builder(new LocalOutputFile(file))
                    .withType(schema)
                    .withConf(new Configuration(false))
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .build();
        } else {
            text = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            StringBuilder header = new StringBuilder();
            for (ContractColumn c : source.columns()) {
                header.append(header.length() == 0 ? "" : String.valueOf(csv.delimiter())).append(c.name());
            }
            text.write(header.toString());
            text.write('\n');
        }
    }

    private void closeFile() throws IOException {
        if (parquet != null) {
            parquet.close();
            parquet = null;
        }
        if (text != null) {
            text.close();
            text = null;
        }
    }

    long rows() {
        return fileRows.stream().mapToLong(r -> r[0]).sum();
    }

    @Override
    public void close() {
        try {
            if (fileNames.isEmpty()) {
                nextFile(); // an empty delivery still has one (empty) data file
            }
            closeFile();
            ObjectNode manifest = Json.MAPPER.createObjectNode();
            manifest.put("source", source.name());
            manifest.put("delivery_id", deliveryId);
            manifest.put("extracted_at", extractedAt);
            manifest.put("format", csv == null ? "parquet" : "csv");
            if (csv != null && !csv.equals(CsvDialect.DEFAULT)) {
                ObjectNode dialect = manifest.putObject("csv");
                dialect.put("delimiter", String.valueOf(csv.delimiter()));
                dialect.put("date_format", csv.dateFormat());
                dialect.put("encoding", "UTF-8");
            }
            ArrayNode files = manifest.putArray("files");
            for (int i = 0; i < fileNames.size(); i++) {
                ObjectNode f = files.addObject();
                f.put("name", fileNames.get(i));
                f.put("rows", fileRows.get(i)[0]);
                f.put("sha256", Hashing.sha256(dir.resolve(fileNames.get(i))));
            }
            manifest.put("kind", "full");
            manifest.put("identifiers", pseudonymised ? "pseudonymised" : "raw");
            if (pseudonymised) {
                manifest.put("key_id", keyId);
            }
            JSON.writeValue(dir.resolve("_manifest.json").toFile(), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
