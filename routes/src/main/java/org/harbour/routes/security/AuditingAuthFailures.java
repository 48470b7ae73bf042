package org.harbour.routes.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Answers a refused API or console request (401 without valid credentials, 403 without the
 * scope or role it needs) and records it in the audit trail first. The answer says what was
 * wrong and, for 403, which scope was needed; it never echoes the token. The body is a FHIR
 * OperationOutcome, on every path.
 *
 * <p>Failed logins are counted by the {@link LoginThrottle} (per source, and per console account),
 * and written to the trail aggregated: the first failure of a source for a reason in each
 * {@code interval} has its own entry, the rest of that interval one entry with their count
 * ({@link #flush}), so a client without a token cannot flood the trail.
 */
public final class AuditingAuthFailures implements AuthenticationEntryPoint, AccessDeniedHandler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditingAuthFailures.class);

    private final AuditTrail audit;
    private final LoginThrottle throttle;
    private final java.time.Clock clock;
    private final java.time.Duration interval;
    /** Per source and reason: the current interval's start and the failures not yet written. */
    private final java.util.Map<String, Window> windows = new java.util.concurrent.ConcurrentHashMap<>();
    private java.util.concurrent.ScheduledExecutorService flusher;

    private static final class Window {
        final java.time.Instant start;
        final String remote;
        final String reason;
        int suppressed;

        Window(java.time.Instant start, String remote, String reason) {
            this.start = start;
            this.remote = remote;
            this.reason = reason;
        }
    }

    /** What the console and the actuator need: the admin scope (or the console login). */
    private final String adminScope;

    public AuditingAuthFailures(AuditTrail audit, LoginThrottle throttle, java.time.Clock clock,
            java.time.Duration interval, String adminScope) {
        this.adminScope = adminScope;
        this.audit = audit;
        this.throttle = throttle;
        this.clock = clock;
        this.interval = interval;
    }

    /** Writes the aggregated entries of ended intervals every interval, in the background. */
    public synchronized AuditingAuthFailures start() {
        flusher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "login-failure-audit");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flush, interval.toMillis(), interval.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public synchronized void close() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        flushAll();
    }

    public LoginThrottle throttle() {
        return throttle;
    }

    /**
     * A failed login (a refused token, a wrong console password, no credentials): counted against
     * its source (and account, if one was named), audited aggregated, and any lockout it starts audited.
     */
    public void loginFailed(String remote, String account, String request, String reason) {
        for (LoginThrottle.Lockout lockout : throttle.failed(remote, account)) {
            record(AuditEvents.lockedOut(remote, lockout.key(), lockout.duration(), lockout.failures()));
        }
        String key = remote + "\n" + reason;
        java.time.Instant now = clock.instant();
        boolean first;
        Window ended = null;
        synchronized (windows) {
            Window window = windows.get(key);
            if (window != null && java.time.Duration.between(window.start, now).compareTo(interval) >= 0) {
                ended = windows.remove(key);
                window = null;
            }
            first = window == null;
            if (first) {
                windows.put(key, new Window(now, remote, reason));
            } else {
                window.suppressed++;
            }
        }
        if (ended != null && ended.suppressed > 0) {
            record(AuditEvents.authenticationFailedRepeatedly(ended.remote, ended.reason, ended.suppressed, ended.start));
        }
        if (first) {
            record(AuditEvents.authenticationFailed(remote, request, reason));
        }
    }

    /** Writes one entry for each ended interval that had more failures than its first. */
    public void flush() {
        java.time.Instant now = clock.instant();
        java.util.List<Window> ended = new java.util.ArrayList<>();
        synchronized (windows) {
            windows.entrySet().removeIf(e -> {
                if (java.time.Duration.between(e.getValue().start, now).compareTo(interval) >= 0) {
                    ended.add(e.getValue());
                    return true;
                }
                return false;
            });
        }
        write(ended);
    }

    /** Writes every pending count now, ended interval or not (at shutdown). */
    public void flushAll() {
        java.util.List<Window> all;
        synchronized (windows) {
            all = new java.util.ArrayList<>(windows.values());
            windows.clear();
        }
        write(all);
    }

    private void write(java.util.List<Window> ended) {
        for (Window w : ended) {
            if (w.suppressed > 0) {
                record(AuditEvents.authenticationFailedRepeatedly(w.remote, w.reason, w.suppressed, w.start));
            }
        }
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        boolean presented = request.getHeader("Authorization") != null;
        String reason = !presented ? "no credentials" : failure instanceof InvalidBearerTokenException
                ? "invalid bearer token" : "credentials not accepted";
        loginFailed(request.getRemoteAddr(), null, request.getMethod() + " " + path(request), reason);
        response.setHeader("WWW-Authenticate", presented ? "Bearer error=\"invalid_token\"" : "Bearer");
        write(response, HttpServletResponse.SC_UNAUTHORIZED, "login", "authentication required: " + reason);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        if (denied instanceof org.springframework.security.web.csrf.CsrfException) {
            record(AuditEvents.accessDenied(Principals.describe(SecurityContextHolder.getContext().getAuthentication()),
                    request.getRemoteAddr(), request.getMethod() + " " + path(request), "a valid CSRF token"));
            write(response, HttpServletResponse.SC_FORBIDDEN, "forbidden", "the request has no valid CSRF token"
                    + " (send the XSRF-TOKEN cookie's value as the X-XSRF-TOKEN header)");
            return;
        }
        Object required = request.getAttribute(ApiAuthorization.REQUIRED);
        String scope = required == null ? adminScope : required.toString();
        record(AuditEvents.accessDenied(Principals.describe(SecurityContextHolder.getContext().getAuthentication()),
                request.getRemoteAddr(), request.getMethod() + " " + path(request), scope));
        response.setHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + scope + "\"");
        write(response, HttpServletResponse.SC_FORBIDDEN, "forbidden", "this request needs the scope " + scope);
    }

    /** Records the refusal; the request is refused even when the audit trail cannot take it. */
    public void record(org.hl7.fhir.r4.model.AuditEvent event) {
        try {
            audit.record(event);
        } catch (Exception e) {
            LOG.error("An authentication failure could not be written to the audit trail: {}", e.toString());
        }
    }

    private static String path(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.length() > 200 ? path.substring(0, 200) : path;
    }

    /** An OperationOutcome answer (the API's and the console's refusals alike). */
    static void write(HttpServletResponse response, int status, String code, String text) throws IOException {
        response.setStatus(status);
        response.setContentType("application/fhir+json;charset=UTF-8");
        String body = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"" + code
                + "\",\"diagnostics\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}]}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
