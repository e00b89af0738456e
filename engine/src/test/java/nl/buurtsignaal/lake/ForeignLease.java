package nl.buurtsignaal.lake;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Another process's lease written over a lease file, as a taker that took it over leaves it (tests). */
public final class ForeignLease {
    /** The holder the foreign lease names. */
    public static final String HOLDER = "7@other";

    private ForeignLease() {
    }

    /** Writes a lease held by {@link #HOLDER} until {@code expires}. */
    public static void write(FileSystem fs, Path file, Instant expires) throws IOException {
        try (var out = fs.create(file, true)) {
            out.write(("{\"holder\":\"" + HOLDER + "\",\"token\":\"theirs\",\"expires_at\":" + expires.toEpochMilli() + "}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }
}
