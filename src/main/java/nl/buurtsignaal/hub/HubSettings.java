package nl.buurtsignaal.hub;

import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.dossier.Verdict;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The hub's settings from conf/buurtsignaal.yaml ({@code hub:}): codes, partners, session limits,
 * the sources of meldingen, the partners' outcome codes and deadlines, the dossier's size.
 */
public record HubSettings(Map<String, List<String>> reasonCodes, List<String> partners, Duration idleTimeout,
                          Duration sessionLifetime, int maxLoginFailures, Duration loginWindow, int maxPageSize,
                          int maxBodyBytes, List<String> trustedProxies, int loginMaxRemembered,
                          int loginMaxConcurrentChecks, Duration loginFirstDelay, Duration loginMaxDelay,
                          List<String> meldingSources, Map<String, Verdict.Finding> outcomeCodes, int firstStatusDays,
                          int outcomeDays, int dossierMaxNodes, int transferMonths, int enforcementMonths) {

    public static HubSettings of(EngineConfig config) {
        List<String> confirmed = config.strings("hub.reason_codes.confirmed");
        List<String> dismissed = config.strings("hub.reason_codes.dismissed");
        List<String> partners = config.strings("hub.partners");
        if (confirmed.isEmpty() || dismissed.isEmpty() || partners.isEmpty()) {
            throw new UsageException("settings hub.reason_codes.confirmed, hub.reason_codes.dismissed and hub.partners must each list codes");
        }
        return new HubSettings(Map.of("confirmed", confirmed, "dismissed", dismissed), partners,
                Duration.ofMinutes((long) config.number("hub.idle_timeout_minutes", 30)),
                Duration.ofMinutes((long) config.number("hub.session_lifetime_minutes", 600)),
                (int) config.number("hub.login_max_failures", 5),
                Duration.ofMinutes((long) config.number("hub.login_window_minutes", 15)),
                (int) config.number("hub.max_page_size", 200),
                (int) config.number("hub.max_body_bytes", 65536),
                config.strings("hub.trusted_proxies"),
                (int) config.number("hub.login_max_remembered", 10_000),
                (int) config.number("hub.login_max_concurrent_checks", 4),
                Duration.ofMillis((long) config.number("hub.login_first_delay_ms", 250)),
                Duration.ofMillis((long) config.number("hub.login_max_delay_ms", 5000)),
                config.strings("hub.melding_sources"), Verdict.outcomeCodes(config),
                (int) config.number("hub.deadlines.first_status_days", 28),
                (int) config.number("hub.deadlines.outcome_days", 182),
                (int) config.number("hub.dossier_max_nodes", 150),
                nl.buurtsignaal.dossier.SubjectLinks.transferWindowMonths(config),
                (int) config.number("dossier.enforcement_window_months", 24));
    }

    /** The login throttle of these settings (shared by the hub and the SQL endpoint). */
    public LoginThrottle throttle() {
        return new LoginThrottle(maxLoginFailures, loginWindow, loginMaxRemembered, loginMaxConcurrentChecks, loginFirstDelay,
                loginMaxDelay, java.time.Clock.systemUTC());
    }
}
