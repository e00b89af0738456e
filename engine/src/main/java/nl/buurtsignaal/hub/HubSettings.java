package nl.buurtsignaal.hub;

import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.config.Settings;
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
        Settings.Hub hub = config.settings().hub();
        List<String> confirmed = hub.reasonCodes().getOrDefault("confirmed", List.of());
        List<String> dismissed = hub.reasonCodes().getOrDefault("dismissed", List.of());
        if (confirmed.isEmpty() || dismissed.isEmpty() || hub.partners().isEmpty()) {
            throw new UsageException("settings hub.reason_codes.confirmed, hub.reason_codes.dismissed and hub.partners must each list codes");
        }
        return new HubSettings(Map.of("confirmed", confirmed, "dismissed", dismissed), hub.partners(),
                Duration.ofMinutes(hub.idleTimeoutMinutes()), Duration.ofMinutes(hub.sessionLifetimeMinutes()),
                hub.loginMaxFailures(), Duration.ofMinutes(hub.loginWindowMinutes()), hub.maxPageSize(), hub.maxBodyBytes(),
                hub.trustedProxies(), hub.loginMaxRemembered(), hub.loginMaxConcurrentChecks(),
                Duration.ofMillis(hub.loginFirstDelayMs()), Duration.ofMillis(hub.loginMaxDelayMs()), hub.meldingSources(),
                Verdict.outcomeCodes(config), hub.deadlines().firstStatusDays(), hub.deadlines().outcomeDays(),
                hub.dossierMaxNodes(), config.settings().dossier().transferWindowMonths(),
                config.settings().dossier().enforcementWindowMonths());
    }

    /** The login throttle of these settings (shared by the hub and the SQL endpoint). */
    public LoginThrottle throttle() {
        return new LoginThrottle(maxLoginFailures, loginWindow, loginMaxRemembered, loginMaxConcurrentChecks, loginFirstDelay,
                loginMaxDelay, java.time.Clock.systemUTC());
    }
}
