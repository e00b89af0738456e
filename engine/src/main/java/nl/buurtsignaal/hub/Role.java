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
    DATA_SCIENTIST,
    /** Not a hub role: reads every lake table through the SQL endpoint ({@code serve}), read only. */
    ANALYST,
    /** Not a hub role: reads only the neighbourhood aggregates as published, through the SQL endpoint. */
    BI,
    /**
     * Not a hub role, and off by default ({@code serve.roles}): what an analyst reads, and the
     * per-person care rows besides (contract section 4: care data leaves only as aggregates).
     */
    CARE_ANALYST;

    /** The roles that log in to the hub (contract section 7); the others are the SQL endpoint's. */
    public static final java.util.List<Role> HUB = java.util.List.of(REVIEWER, COORDINATOR, AUDITOR, DATA_SCIENTIST);

    public boolean inHub() {
        return HUB.contains(this);
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role of(String id) {
        return Arrays.stream(values()).filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown role '" + id + "': one of "
                        + Arrays.stream(values()).map(Role::id).toList()));
    }
}
