package nl.buurtsignaal.ingest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * pseudonym = lowercase hex(HMAC-SHA256(key, "person:" + bsn)), contract section 3.
 *
 * <p>Serializable so that Spark can ship it to executors inside a UDF; the {@link Mac} is built
 * lazily once per deserialized instance (so once per task, not once per row).
 */
public final class Pseudonymiser implements Serializable {
    /** What a pseudonym looks like (contract section 3): 64 lowercase hex digits. */
    public static final String PATTERN = "^[0-9a-f]{64}$";

    public static boolean isPseudonym(String text) {
        return text != null && text.matches(PATTERN);
    }

    private static final long serialVersionUID = 1L;
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] key;
    private transient Mac mac;

    public Pseudonymiser(byte[] key) {
        this.key = key.clone();
    }

    public String person(String bsn) {
        return hex("person:" + bsn);
    }

    private String hex(String message) {
        if (mac == null) {
            try {
                mac = Mac.getInstance(ALGORITHM);
                mac.init(new SecretKeySpec(key, ALGORITHM));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
            }
        }
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return "Pseudonymiser[key hidden]";
    }
}
