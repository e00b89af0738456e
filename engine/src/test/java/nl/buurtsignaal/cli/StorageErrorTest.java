package nl.buurtsignaal.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.AccessDeniedException;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A failure of the lake's storage (no credentials, a store away) is told in one line; others are not. */
class StorageErrorTest {
    @Test
    void theDeepestStorageCauseIsFoundAndOtherFailuresAreLeftAlone() {
        AccessDeniedException denied = new AccessDeniedException("s3a://bucket/lake: No AWS Credentials provided");
        java.net.ConnectException refused = new java.net.ConnectException("Connection refused");
        denied.initCause(refused);
        RuntimeException wrapped = new java.io.UncheckedIOException("cannot read", new java.io.IOException("wrapped", denied));
        assertSame(refused, Main.storageProblem(wrapped));
        AccessDeniedException alone = new AccessDeniedException("s3a://bucket/lake");
        assertSame(alone, Main.storageProblem(new IllegalStateException(alone)));
        // a row's values may be in Spark's messages: those stay behind --verbose
        assertNull(Main.storageProblem(new IllegalStateException("cannot cast 'Jansen' to INT")));
    }
}
