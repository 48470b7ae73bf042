package org.harbour.routes.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * First in the console's and the API's filter chains: a source or account locked out by the
 * {@link LoginThrottle} is answered 429 (with Retry-After and an OperationOutcome) before any
 * credential is checked, so the right password is no help either; the refusal itself is audited
 * aggregated, like other failed logins. A request that authenticated with credentials clears its
 * source and account.
 */
public final class ThrottleFilter extends OncePerRequestFilter {

    private final AuditingAuthFailures failures;

    public ThrottleFilter(AuditingAuthFailures failures) {
        this.failures = failures;
    }

    /** The console account a request names: the Basic user, or the login form's username. */
    static String accountOf(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if ("POST".equals(request.getMethod()) && request.getRequestURI().endsWith("/login")) {
            return request.getParameter("username");
        }
        return null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String account = accountOf(request);
        Optional<Duration> locked = failures.throttle().lockedFor(request.getRemoteAddr(), account);
        if (locked.isPresent()) {
            long seconds = Math.max(1, (locked.get().toMillis() + 999) / 1000);
            failures.loginFailed(request.getRemoteAddr(), null, request.getMethod() + " " + request.getRequestURI(),
                    "locked out after too many failed logins");
            response.setHeader("Retry-After", Long.toString(seconds));
            AuditingAuthFailures.write(response, 429, "throttled", "too many failed logins from this address or for"
                    + " this account; try again in " + seconds + " s");
            return;
        }
        chain.doFilter(request, response);
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (request.getHeader("Authorization") != null && auth != null && auth.isAuthenticated()
                && !(auth instanceof AnonymousAuthenticationToken) && response.getStatus() < 400) {
            failures.throttle().succeeded(request.getRemoteAddr(), account);
        }
    }
}
