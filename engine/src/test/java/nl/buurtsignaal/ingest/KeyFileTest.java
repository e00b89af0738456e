package nl.buurtsignaal.ingest;

import nl.buurtsignaal.base.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.*;

class KeyFileTest {
    private static final String KEYS = "# comment\nnew2026:8F2bZtGHff+11G+eqSZp70ts0h2y1e4/R6fHqbBmpto=\nold2025:a2V5LW9mLXNpeHRlZW4tYnl0ZXM=\n";

    @TempDir
    Path dir;

    private Path keyFile(String name, String content, String permissions) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(permissions));
        return f;
    }

    @Test
    void firstKeyIsCurrentAndCommentsAreSkipped() throws IOException {
        KeyFile keys = KeyFile.read(keyFile("keys.txt", KEYS, "rw-------"));
        assertEquals("new2026", keys.currentKeyId());
        assertTrue(keys.has("old2025"));
        assertFalse(keys.has("other"));
    }

    @Test
    void aKeyFileOthersCanReadIsRefusedWithTheFix() throws IOException {
        for (String shared : new String[]{"rw-r-----", "rw----r--", "rw--w----", "r-------x"}) {
            Path f = keyFile("shared.txt", KEYS, shared);
            UsageException e = assertThrows(UsageException.class, () -> KeyFile.read(f), shared);
            assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
            assertFalse(e.getMessage().contains("8F2bZ"), "the secret is never quoted");
        }
        assertEquals("new2026", KeyFile.read(keyFile("own.txt", KEYS, "r--------")).currentKeyId());
    }

    @Test
    void badKeyFilesGiveOneLineWithoutTheSecret() throws IOException {
        assertThrows(UsageException.class, () -> KeyFile.read(dir.resolve("missing.txt")));
        Path noColon = keyFile("a.txt", "justsomething\n", "rw-------");
        UsageException e = assertThrows(UsageException.class, () -> KeyFile.read(noColon));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        assertFalse(e.getMessage().contains("justsomething"));
        Path badBase64 = keyFile("b.txt", "k1:!!!not-base64!!!\n", "rw-------");
        assertTrue(assertThrows(UsageException.class, () -> KeyFile.read(badBase64)).getMessage().contains("base64"));
        Path shortKey = keyFile("c.txt", "k1:c2hvcnQ=\n", "rw-------");
        assertTrue(assertThrows(UsageException.class, () -> KeyFile.read(shortKey)).getMessage().contains("shorter"));
        Path empty = keyFile("d.txt", "# only a comment\n", "rw-------");
        assertTrue(assertThrows(UsageException.class, () -> KeyFile.read(empty)).getMessage().contains("no key"));
    }
}
