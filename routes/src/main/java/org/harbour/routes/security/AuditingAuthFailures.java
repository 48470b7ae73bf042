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
 * Answers a refused API request (401 without valid credentials, 403 without the scope it
 * needs) and records it in the audit trail first. The answer says what was wrong and, for
 * 403, which scope was needed; it never echoes the token. The body is a FHIR OperationOutcome.
 */
public final class AuditingAuthFailures implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AuditingAuthFailures.class);

    private final AuditTrail audit;

    public AuditingAuthFailures(AuditTrail audit) {
        this.audit = audit;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        boolean presented = request.getHeader("Authorization") != null;
        String reason = !presented ? "no credentials" : failure instanceof InvalidBearerTokenException
                ? "invalid bearer token" : "credentials not accepted";
        record(AuditEvents.authenticationFailed(request.getRemoteAddr(), request.getMethod() + " " + path(request),
                reason));
        response.setHeader("WWW-Authenticate", presented ? "Bearer error=\"invalid_token\"" : "Bearer");
        write(response, HttpServletResponse.SC_UNAUTHORIZED, "login", "authentication required: " + reason);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        Object required = request.getAttribute(ApiAuthorization.REQUIRED);
        String scope = required == null ? "unknown" : required.toString();
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

    private static void write(HttpServletResponse response, int status, String code, String text) throws IOException {
        response.setStatus(status);
        response.setContentType("application/fhir+json;charset=UTF-8");
        String body = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"" + code
                + "\",\"diagnostics\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}]}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
