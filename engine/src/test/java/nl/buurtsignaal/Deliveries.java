package nl.buurtsignaal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Hand-made csv deliveries with a correct manifest, to be broken on purpose by the tests. */
public final class Deliveries {
    private Deliveries() {
    }

    /** A delivery under construction: one csv file by default. */
    public static final class Delivery {
        final Path dir;
        final String source;
        final String deliveryId;
        String kind = "full";
        String identifiers = "raw";
        String keyId;
        String csvDialect = "";
        final List<String[]> files = new ArrayList<>(); // name, content

        Delivery(Path landing, String source, String deliveryId) {
            this.dir = landing.resolve(source).resolve(deliveryId);
            this.source = source;
            this.deliveryId = deliveryId;
        }

        public Delivery kind(String kind) {
            this.kind = kind;
            return this;
        }

        public Delivery pseudonymised(String keyId) {
            this.identifiers = "pseudonymised";
            this.keyId = keyId;
            return this;
        }

        /** The manifest's csv dialect: delimiter and date pattern (UTF-8). */
        public Delivery csv(String delimiter, String dateFormat) {
            this.csvDialect = ",\"csv\":{\"delimiter\":\"" + delimiter + "\",\"date_format\":\"" + dateFormat
                    + "\",\"encoding\":\"UTF-8\"}";
            return this;
        }

        public Delivery file(String name, String header, String... rows) {
            files.add(new String[]{name, header + "\n" + String.join("\n", rows) + (rows.length > 0 ? "\n" : "")});
            return this;
        }

        /** Writes the files and a manifest that matches them. */
        public Path write() throws IOException {
            Files.createDirectories(dir);
            StringBuilder listed = new StringBuilder();
            for (String[] f : files) {
                Path file = dir.resolve(f[0]);
                Files.writeString(file, f[1], StandardCharsets.UTF_8);
                long rows = f[1].lines().count() - 1;
                listed.append(listed.length() == 0 ? "" : ",").append("{\"name\":\"").append(f[0]).append("\",\"rows\":")
                        .append(rows).append(",\"sha256\":\"").append(nl.buurtsignaal.base.Hashing.sha256(file)).append("\"}");
            }
            Files.writeString(dir.resolve("_manifest.json"), "{\"source\":\"" + source + "\",\"delivery_id\":\"" + deliveryId
                    + "\",\"extracted_at\":\"2026-11-01T02:00:00Z\",\"format\":\"csv\"" + csvDialect + ",\"kind\":\"" + kind
                    + "\",\"identifiers\":\"" + identifiers + "\"" + (keyId == null ? "" : ",\"key_id\":\"" + keyId + "\"")
                    + ",\"files\":[" + listed + "]}");
            return dir;
        }
    }

    public static Delivery delivery(Path landing, String source, String deliveryId) {
        return new Delivery(landing, source, deliveryId);
    }


    /** A valid BSN (passes the eleven-test) near 100000000 + 100·n, for test rows. */
    public static String bsn(int n) {
        for (int candidate = 100_000_000 + n * 100; ; candidate++) {
            String s = Integer.toString(candidate);
            if (nl.buurtsignaal.ingest.Sources.isBsn(s)) {
                return s;
            }
        }
    }

    public static void privateKeyFile(Path file, String keyId) throws IOException {
        Files.writeString(file, keyId + ":" + java.util.Base64.getEncoder().encodeToString(
                "a test key of thirty-two bytes!!".getBytes(StandardCharsets.US_ASCII)) + "\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
}
