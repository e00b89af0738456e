package nl.buurtsignaal.hub;

import nl.buurtsignaal.base.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.javalin.security.RouteRole;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The hub's HTTP server: the JSON API of contract section 7 and the pages that use it. Security is
 * installed here once for every route: security headers on every answer; a session from an
 * HttpOnly, SameSite=Strict cookie; the CSRF token on every request that changes something; the
 * route's roles checked before its handler runs. An /api/ route that names no role is refused, so
 * a route cannot be added without saying who may use it. Handlers parse, call the service, answer.
 */
public final class HubServer {
    /** The one /api/ route anyone may call: logging in. */
    enum Open implements RouteRole { PUBLIC }

    static final String COOKIE = "bs_session";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Role[] READERS = {Role.REVIEWER, Role.COORDINATOR};
    private static final Role[] EVERYONE = Role.HUB.toArray(Role[]::new);
    private static final Set<String> SUBJECT_TYPES = Set.of("address", "object", "company", "person");

    private final HubService service;
    private final Reviews reviews;
    private final HubUsers users;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final AccessLog access;
    private final HubSettings settings;
    private final MeldingDesk desk;
    private final Javalin app;

    public HubServer(HubService service, Reviews reviews, HubUsers users, Sessions sessions, LoginThrottle throttle,
                     AccessLog access, HubSettings settings, MeldingDesk desk) {
        this.service = service;
        this.desk = desk;
        this.reviews = reviews;
        this.users = users;
        this.sessions = sessions;
        this.throttle = throttle;
        this.access = access;
        this.settings = settings;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            // Javalin's own limit, on Content-Length; body(ctx) also counts what it reads
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/hub/static";
                files.location = Location.CLASSPATH;
            });
        });
        secure();
        routes();
    }

    public Javalin app() {
        return app;
    }

    public void start(String host, int port) {
        app.start(host, port);
    }

    public int port() {
        return app.port();
    }

    public void stop() {
        app.stop();
    }

    private void secure() {
        app.before(ctx -> {
            ctx.header("Content-Security-Policy", CSP);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
            ctx.header("X-Frame-Options", "DENY");
            ctx.header("Cross-Origin-Opener-Policy", "same-origin");
            if (ctx.path().startsWith("/api/")) {
                ctx.header("Cache-Control", "no-store");
                // contract section 7: without a session every /api/ request but login gets 401, also
                // one for a path that does not exist
                if (!ctx.path().equals("/api/login") && sessions.find(ctx.cookie(COOKIE)).isEmpty()) {
                    throw new Refused(401, "not logged in, or the session ended");
                }
            }
        });
        app.beforeMatched(ctx -> {
            if (!ctx.path().startsWith("/api/")) {
                return;
            }
            Set<RouteRole> allowed = ctx.routeRoles();
            if (allowed.contains(Open.PUBLIC)) {
                return;
            }
            Sessions.Session session = sessions.find(ctx.cookie(COOKIE))
                    .orElseThrow(() -> new Refused(401, "not logged in, or the session ended"));
            ctx.attribute("session", session);
            if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD
                    && !session.csrf().equals(ctx.header("X-CSRF-Token"))) {
                throw new Refused(403, "missing or wrong X-CSRF-Token");
            }
            if (!allowed.contains(session.role())) {
                throw new Refused(403, "your role (" + session.role().id() + ") may not do this");
            }
        });
        app.exception(Refused.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            System.err.println("hub: " + e.getClass().getSimpleName() + " on " + ctx.method() + " " + ctx.matchedPath());
            error(ctx, 500, "internal error");
        });
        app.error(404, ctx -> {
            if (ctx.path().startsWith("/api/") && !ctx.result().contains("\"error\"")) {
                error(ctx, 404, "not found");
            }
        });
        app.error(405, ctx -> {
            if (ctx.path().startsWith("/api/")) {
                error(ctx, 405, "method not allowed");
            }
        });
    }

    private void routes() {
        app.post("/api/login", this::login, Open.PUBLIC);
        app.post("/api/logout", ctx -> {
            Sessions.Session s = session(ctx);
            sessions.end(s.id());
            access.record(s.user(), s.role(), "logout", null, null);
            ctx.header("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + secureFlag(ctx));
            ctx.status(204);
        }, EVERYONE);
        app.get("/api/me", ctx -> {
            Sessions.Session s = session(ctx);
            json(ctx, 200, Map.of("name", s.user(), "role", s.role().id(), "csrf", s.csrf()));
        }, EVERYONE);
        app.get("/api/options", ctx -> json(ctx, 200, service.options()), EVERYONE);
        app.get("/api/signals", ctx -> {
            HubService.Filter filter = filter(ctx);
            Map<String, Object> page = service.list(filter);
            Sessions.Session s = session(ctx);
            access.record(s.user(), s.role(), "list", null, filter.describe());
            json(ctx, 200, page);
        }, READERS);
        app.get("/api/signals/{signal_id}", ctx -> {
            String id = ctx.pathParam("signal_id");
            Map<String, Object> signal = service.view(id);
            if (signal == null) {
                throw new Refused(404, "no signal " + safe(id));
            }
            Sessions.Session s = session(ctx);
            access.record(s.user(), s.role(), "view", id, null);
            json(ctx, 200, signal);
        }, READERS);
        app.post("/api/signals/{signal_id}/decisions", ctx -> {
            String id = ctx.pathParam("signal_id");
            if (!service.exists(id)) {
                throw new Refused(404, "no signal " + safe(id));
            }
            JsonNode body = body(ctx, settings.maxBodyBytes());
            Sessions.Session s = session(ctx);
            Reviews.Event e = reviews.decide(id, s.user(), s.role(), new Reviews.Decision(text(body, "status"), text(body, "reason_code"),
                    text(body, "partner"), text(body, "note"), text(body, "based_on"), text(body, "outcome_code")), service.isControl(id));
            boolean outcome = e.status().equals(nl.buurtsignaal.dossier.Verdict.OUTCOME);
            access.record(s.user(), s.role(), outcome ? "outcome" : "decide", id, outcome ? e.reasonCode() : e.status());
            json(ctx, 201, Map.of("event_id", e.eventId()));
        }, READERS);
        app.post("/api/meldingen", ctx -> {
            JsonNode body = body(ctx, settings.maxBodyBytes());
            Sessions.Session s = session(ctx);
            HubData.Melding m = desk.register(s.user(), s.role(), new MeldingDesk.Request(text(body, "source"), text(body, "reliability"),
                    text(body, "credibility"), text(body, "subject_type"), text(body, "subject_id"), text(body, "observed_on"),
                    text(body, "text")));
            access.record(s.user(), s.role(), "melding", m.signalId(), m.subjectType());
            json(ctx, 201, MeldingDesk.answer(m));
        }, READERS);
        app.get("/api/subjects", ctx -> {
            String type = ctx.queryParam("type");
            String q = ctx.queryParam("q");
            if (type == null || !nl.buurtsignaal.dossier.Meldingen.SUBJECT_TYPES.contains(type) || q == null || q.length() < 4
                    || !q.matches("[0-9]+")) {
                throw new Refused(400, "search by type (address, object or company) and q, the first 4 or more digits of its id");
            }
            json(ctx, 200, service.search(type, q));
        }, READERS);
        app.get("/api/subjects/{type}/{id}", ctx -> {
            String type = ctx.pathParam("type");
            String id = ctx.pathParam("id");
            if (!SUBJECT_TYPES.contains(type)) {
                throw new Refused(400, "a subject's type is address, object, company or person");
            }
            Map<String, Object> dossier = service.dossier(type, id);
            if (dossier == null) {
                throw new Refused(404, "no " + type + " " + safe(id) + " in the lake");
            }
            Sessions.Session s = session(ctx);
            access.record(s.user(), s.role(), "dossier", null, type + " " + safe(id));
            json(ctx, 200, dossier);
        }, READERS);
        app.get("/api/overdue", ctx -> {
            Sessions.Session s = session(ctx);
            access.record(s.user(), s.role(), "list", null, "overdue");
            json(ctx, 200, service.overdue(java.time.Instant.now()));
        }, READERS);
        app.get("/api/precision", ctx -> {
            LocalDate from = date(ctx.queryParam("from"));
            LocalDate to = date(ctx.queryParam("to"));
            if (from != null && to != null && from.isAfter(to)) {
                throw new Refused(400, "from lies after to");
            }
            Sessions.Session s = session(ctx);
            access.record(s.user(), s.role(), "list", null, "precision" + (ctx.queryString() == null ? "" : " " + ctx.queryString()));
            json(ctx, 200, service.precision(from, to));
        }, Role.COORDINATOR, Role.AUDITOR);
        app.get("/api/labels", ctx -> {
            Sessions.Session s = session(ctx);
            access.record(s.user(), s.role(), "labels", null, null);
            json(ctx, 200, service.labels());
        }, Role.DATA_SCIENTIST);
        app.get("/api/audit/access", ctx -> {
            Sessions.Session s = session(ctx);
            java.time.Instant from;
            java.time.Instant to;
            try {
                from = HubService.instant(ctx.queryParam("from"));
                to = HubService.instant(ctx.queryParam("to"));
            } catch (DateTimeParseException e) {
                throw new Refused(400, "from and to are dates (YYYY-MM-DD) or ISO-8601 instants");
            }
            access.record(s.user(), s.role(), "audit", null, "access" + (ctx.queryString() == null ? "" : " " + ctx.queryString()));
            json(ctx, 200, HubService.access(access.between(from, to)));
        }, Role.AUDITOR);
        app.get("/api/audit/review", ctx -> {
            Sessions.Session s = session(ctx);
            access.record(s.user(), s.role(), "audit", null, "review");
            json(ctx, 200, service.reviewLog());
        }, Role.AUDITOR);
        app.get("/api/map", ctx -> {
            String theme = ctx.queryParam("theme");
            json(ctx, 200, service.map(theme == null ? "undermining" : theme, date(ctx.queryParam("as_of")), ctx.queryParam("areas")));
        }, READERS);
    }

    private void login(Context ctx) {
        // Only a JSON body, from a page of the hub itself: a cross-site form cannot log a browser in
        // as someone else (login CSRF). A form post cannot send application/json without CORS.
        String type = ctx.header("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new Refused(415, "log in with a JSON body (Content-Type: application/json)");
        }
        if (!sameOrigin(ctx)) {
            throw new Refused(403, "a login comes from the hub's own pages");
        }
        JsonNode body = body(ctx, settings.maxBodyBytes());
        String name = text(body, "name");
        String password = text(body, "password");
        String client = client(ctx);
        // a name that is no user's is not kept: it may be anything typed, a BSN included
        String audited = users.knows(name) ? name : null;
        LoginThrottle.Attempt<HubUsers.User> attempt = throttle.attempt(name, client, () -> users.verify(name, password));
        switch (attempt.outcome()) {
            case REFUSED -> {
                long n = attempt.throttledCount();
                if (n > 0) {
                    access.record(audited, null, "login_failed", null, "throttled (" + n + (n == 1 ? " attempt" : " attempts") + " refused so far)");
                }
                throw new Refused(429, "too many failed logins for this name from here: wait " + settings.loginWindow().toMinutes() + " minutes");
            }
            case BUSY -> throw new Refused(503, "too many logins at once: try again in a moment");
            case WRONG -> {
                access.record(audited, null, "login_failed", null, audited == null ? "unknown name" : null);
                throw new Refused(401, "wrong name or password");
            }
            default -> {
            }
        }
        HubUsers.User user = attempt.user();
        if (!user.role().inHub()) {
            access.record(user.name(), user.role(), "login_failed", null, "not a hub role");
            throw new Refused(403, "the role " + user.role().id() + " is for the SQL endpoint (serve), not the hub");
        }
        Sessions.Session s = sessions.start(user.name(), user.role());
        access.record(user.name(), user.role(), "login", null, null);
        ctx.header("Set-Cookie", COOKIE + "=" + s.id() + "; Path=/; HttpOnly; SameSite=Strict" + secureFlag(ctx));
        json(ctx, 200, Map.of("role", user.role().id(), "csrf", s.csrf(), "name", user.name()));
    }

    /**
     * Whether a request comes from the hub's own pages, as the browser says: Sec-Fetch-Site (sent
     * by every current browser) same-origin or none, and an Origin, where one is sent, of this host.
     * A client that is no browser (curl, a script of the hub) sends neither and is let through.
     */
    static boolean sameOrigin(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return false;
        }
        String origin = ctx.header("Origin");
        if (origin == null) {
            return true;
        }
        String host = ctx.header("Host");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    /**
     * The client's address for throttling: the connection's, or, when that is a proxy listed in
     * hub.trusted_proxies, the address the proxy appended last to X-Forwarded-For (a header any
     * other client could write, so it is believed from those proxies only).
     */
    private String client(Context ctx) {
        String remote = ctx.req().getRemoteAddr();
        String forwarded = ctx.header("X-Forwarded-For");
        if (forwarded != null && settings.trustedProxies().contains(remote)) {
            String[] hops = forwarded.split(",");
            String last = hops[hops.length - 1].strip();
            if (!last.isEmpty()) {
                return last;
            }
        }
        return remote;
    }

    /** Behind the municipality's TLS proxy the cookie is Secure (X-Forwarded-Proto: https). */
    private static String secureFlag(Context ctx) {
        return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto")) ? "; Secure" : "";
    }

    private HubService.Filter filter(Context ctx) {
        int limit = integer(ctx, "limit", 50);
        int offset = integer(ctx, "offset", 0);
        if (limit < 1 || limit > settings.maxPageSize() || offset < 0) {
            throw new Refused(400, "limit is 1 to " + settings.maxPageSize() + " and offset at least 0");
        }
        String severity = blankToNull(ctx.queryParam("severity"));
        Integer sev;
        try {
            sev = severity == null ? null : Integer.valueOf(severity);
        } catch (NumberFormatException e) {
            throw new Refused(400, "severity is 1, 2 or 3");
        }
        return new HubService.Filter(date(ctx.queryParam("as_of")), blankToNull(ctx.queryParam("rule_id")),
                blankToNull(ctx.queryParam("gemeente")), blankToNull(ctx.queryParam("wijk")),
                blankToNull(ctx.queryParam("buurt_code")), sev, blankToNull(ctx.queryParam("status")), limit, offset, sort(ctx));
    }

    private static String sort(Context ctx) {
        String sort = blankToNull(ctx.queryParam("sort"));
        if (sort != null && !sort.equals("priority") && !sort.equals("dossier")) {
            throw new Refused(400, "sort is priority (the default) or dossier");
        }
        return sort;
    }

    private static int integer(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new Refused(400, name + " is a whole number");
        }
    }

    private static LocalDate date(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new Refused(400, "a date is YYYY-MM-DD");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * The request's JSON object, read from the request's stream and refused with 413 past
     * {@code limit} bytes, counted as they arrive: a chunked body has no Content-Length to trust.
     */
    private static JsonNode body(Context ctx, int limit) {
        byte[] bytes;
        try (java.io.InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes(limit + 1);
        } catch (java.io.IOException e) {
            throw new Refused(400, "the body could not be read");
        }
        if (bytes.length > limit) {
            throw new Refused(413, "the body is larger than " + limit + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new Refused(400, "the body is a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new Refused(400, "the body is a JSON object");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Sessions.Session session(Context ctx) {
        return ctx.attribute("session");
    }

    /** A requested id as it may be echoed in an error: only the characters a signal id has. */
    private static String safe(String id) {
        return id.replaceAll("[^A-Za-z0-9_-]", "?");
    }


    static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json; charset=utf-8").result(JSON.writeValueAsString(body));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void error(Context ctx, int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        json(ctx, status, body);
    }
}
