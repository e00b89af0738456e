package nl.buurtsignaal.ingest;

import nl.buurtsignaal.base.PrivateFiles;
import nl.buurtsignaal.base.UsageException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The secret keys of contract section 3: one {@code key_id:base64(secret)} per line, the first
 * line is the current key. Secrets never leave this class except as HMAC input.
 */
public final class KeyFile {
    private final Map<String, byte[]> keys;
    private final String currentKeyId;

    private KeyFile(Map<String, byte[]> keys, String currentKeyId) {
        this.keys = keys;
        this.currentKeyId = currentKeyId;
    }

    public static KeyFile read(Path file) {
        if (file == null) {
            throw new UsageException("no key file given (--key-file)");
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException("key file not found: " + file);
        }
        PrivateFiles.refuseIfShared(file, "key file");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("key file cannot be read: " + file);
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String line : lines) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new UsageException("key file " + file + " line " + lineNumber + " is not key_id:base64(secret)");
            }
            String keyId = trimmed.substring(0, colon);
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(trimmed.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new UsageException("key file " + file + " line " + lineNumber + ": the secret is not valid base64");
            }
            if (secret.length < 16) {
                throw new UsageException("key file " + file + " line " + lineNumber + ": the secret is shorter than 16 bytes");
            }
            if (keys.putIfAbsent(keyId, secret) != null) {
                throw new UsageException("key file " + file + " names key_id '" + keyId + "' twice");
            }
        }
        if (keys.isEmpty()) {
            throw new UsageException("key file " + file + " holds no key");
        }
        return new KeyFile(keys, keys.keySet().iterator().next());
    }

    /** A key readable by group or others is a key that has leaked: refused before it is read. */

    public String currentKeyId() {
        return currentKeyId;
    }

    public boolean has(String keyId) {
        return keys.containsKey(keyId);
    }

    /** A BSN's pseudonym under every key of the file (data ingested under an older key has the old one). */
    public List<String> pseudonymsOf(String bsn) {
        return keys.values().stream().map(secret -> new Pseudonymiser(secret.clone()).person(bsn)).distinct().toList();
    }

    /**
     * A copy of the current key's secret, for the bench's DuckDB peer, which computes the same
     * HMAC in SQL. The caller clears the copy when done and never prints it.
     */
    public byte[] currentSecret() {
        return keys.get(currentKeyId).clone();
    }

    /** The current key, for pseudonymising raw deliveries. */
    public Pseudonymiser currentPseudonymiser() {
        return new Pseudonymiser(keys.get(currentKeyId).clone());
    }
}
