package nl.buurtsignaal.hub;

import io.javalin.security.RouteRole;

import java.util.Arrays;
import java.util.Locale;

/** The hub's roles (contract section 7). */
public enum Role implements RouteRole {
    /** Reads the queue and signals; records in_review, confirmed, dismissed; proposes forwarding. */
    REVIEWER,
    /** What a reviewer may, and approves or rejects a forwarding someone else proposed. */
    COORDINATOR,
    /** Reads hub.review and audit.access; no evidence, no decisions. */
    AUDITOR,
    /** Reads the labels; nothing else. */
    DATA_SCIENTIST;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role of(String id) {
        return Arrays.stream(values()).filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown role '" + id + "': one of "
                        + Arrays.stream(values()).map(Role::id).toList()));
    }
}
