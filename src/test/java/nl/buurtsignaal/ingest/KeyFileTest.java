package nl.buurtsignaal.ingest;

import nl.buurtsignaal.cli.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class KeyFileTest {
    @TempDir
    Path dir;

    @Test
    void firstKeyIsCurrentAndCommentsAreSkipped() throws IOException {
        Path f = dir.resolve("keys.txt");
        Files.writeString(f, "# comment\nnew2026:8F2bZtGHff+11G+eqSZp70ts0h2y1e4/R6fHqbBmpto=\nold2025:a2V5LW9mLXNpeHRlZW4tYnl0ZXM=\n");
        KeyFile keys = KeyFile.read(f);
        assertEquals("new2026", keys.currentKeyId());
        assertTrue(keys.has("old2025"));
        assertFalse(keys.has("other"));
    }

    @Test
    void badKeyFilesGiveOneLineWithoutTheSecret() throws IOException {
        assertThrows(UsageException.class, () -> KeyFile.read(dir.resolve("missing.txt")));
        Path noColon = dir.resolve("a.txt");
        Files.writeString(noColon, "justsomething\n");
        UsageException e = assertThrows(UsageException.class, () -> KeyFile.read(noColon));
        assertFalse(e.getMessage().contains("justsomething"));
        Path badBase64 = dir.resolve("b.txt");
        Files.writeString(badBase64, "k1:!!!not-base64!!!\n");
        assertThrows(UsageException.class, () -> KeyFile.read(badBase64));
        Path shortKey = dir.resolve("c.txt");
        Files.writeString(shortKey, "k1:c2hvcnQ=\n");
        assertThrows(UsageException.class, () -> KeyFile.read(shortKey));
        Path empty = dir.resolve("d.txt");
        Files.writeString(empty, "# only a comment\n");
        assertThrows(UsageException.class, () -> KeyFile.read(empty));
    }
}
