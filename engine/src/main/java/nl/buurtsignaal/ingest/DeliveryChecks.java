package nl.buurtsignaal.ingest;

import nl.buurtsignaal.base.Hashing;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a delivery must be before any of its rows is read into the lake (contract section 1): the
 * files its manifest lists, with their checksums, columns and row counts. Each check throws
 * {@link DeliveryRejected} with the reason; nothing of a rejected delivery lands.
 */
final class DeliveryChecks {
    private DeliveryChecks() {
    }

    static void checkFileSet(LandingZone zone, Path deliveryDir, Manifest manifest) {
        Set<String> present = zone.list(deliveryDir).stream().map(Path::getName)
                .filter(n -> !n.equals(Manifest.FILE_NAME)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> listed = manifest.files().stream().map(Manifest.DataFile::name)
                .collect(Collectors.toCollection(TreeSet::new));
        if (!present.equals(listed)) {
            Set<String> missing = new TreeSet<>(listed);
            missing.removeAll(present);
            Set<String> extra = new TreeSet<>(present);
            extra.removeAll(listed);
            throw new DeliveryRejected("file set differs from the manifest"
                    + (missing.isEmpty() ? "" : ": missing " + missing)
                    + (extra.isEmpty() ? "" : ": not listed " + extra));
        }
    }

    static void checkChecksums(LandingZone zone, Path deliveryDir, Manifest manifest) {
        for (Manifest.DataFile file : manifest.files()) {
            Path path = new Path(deliveryDir, file.name());
            try (InputStream in = zone.open(path)) {
                if (!Hashing.sha256(in).equals(file.sha256())) {
                    throw new DeliveryRejected("checksum mismatch for " + file.name());
                }
            } catch (IOException e) {
                throw new DeliveryRejected("file " + file.name() + " cannot be read");
            }
        }
    }

    static List<String> checkColumns(Sources.Source source, Manifest manifest, String[] columns) {
        List<String> dropped = new ArrayList<>();
        Set<String> present = new TreeSet<>();
        for (String column : columns) {
            present.add(column);
            boolean known = source.column(column).isPresent() || (manifest.isDelta() && column.equals("op"));
            if (!known && Sources.isForbidden(column)) {
                throw new DeliveryRejected("forbidden column " + column + " (special-category or needless identifying data)");
            }
            if (!known) {
                dropped.add(column);
            }
        }
        for (ContractColumn column : source.columns()) {
            if (column.required() && !present.contains(column.name())) {
                throw new DeliveryRejected("required column " + column.name() + " is missing");
            }
        }
        if (manifest.isDelta() && !present.contains("op")) {
            throw new DeliveryRejected("required column op is missing (kind delta)");
        }
        return dropped;
    }

    /** Checks every file's row count, as read, against the manifest. */
    static void checkRowCounts(Manifest manifest, Map<String, Long> counted) {
        for (Manifest.DataFile file : manifest.files()) {
            long actual = counted.getOrDefault(file.name(), 0L);
            if (actual != file.rows()) {
                throw new DeliveryRejected("row count of " + file.name() + " is " + actual + ", the manifest says " + file.rows());
            }
        }
    }
}
