package org.harbour.routes.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.harbour.routes.security.SmartScopes.Access;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Decides each API request from the caller's scopes: FHIR reads and searches need read on the
 * resource type, writes need write on it; the operator message store needs
 * {@code harbour/messages.read} (or read on every type, since raw messages carry everything; the
 * admin scope lists and inspects messages but reads no raw bytes or reports);
 * a patient's disclosure report needs read on AuditEvent; anything else needs the admin scope.
 * What was required is left on the request for the 403 answer and its audit entry.
 */
public final class ApiAuthorization implements AuthorizationManager<RequestAuthorizationContext> {

    /** Request attribute naming the scope a refused request needed. */
    public static final String REQUIRED = ApiAuthorization.class.getName() + ".required";

    /** What a request needs, in words (for the 403 answer) and as a test of the caller's scopes. */
    public record Requirement(String scope, Predicate<SmartScopes> test) {
    }

    private static final Pattern FHIR_TYPE = Pattern.compile("/fhir/([A-Za-z]+)(/.*)?");
    private static final Pattern MESSAGE_CONTENT = Pattern.compile("/api/messages/[^/]+/(raw|report)");
    private static final Pattern DISCLOSURES = Pattern.compile("/api/patients/[^/]+/disclosures(\\.html)?");

    private final String adminScope;

    public ApiAuthorization(String adminScope) {
        this.adminScope = adminScope;
    }

    /** The requirement for one request, from its method and path (without the context path). */
    public Requirement requirement(String method, String path) {
        boolean read = method.equals("GET") || method.equals("HEAD");
        Access access = read ? Access.READ : Access.WRITE;
        if (path.equals("/fhir/metadata") && read) {
            return new Requirement("any", s -> true);
        }
        if (path.equals("/fhir") || path.equals("/fhir/")) {
            return new Requirement("system/*.write", s -> s.allowsEverything(Access.WRITE));
        }
        Matcher fhir = FHIR_TYPE.matcher(path);
        if (fhir.matches()) {
            String type = fhir.group(1);
            return new Requirement("system/" + type + (read ? ".read" : ".write"), s -> s.allows(type, access));
        }
        if (MESSAGE_CONTENT.matcher(path).matches() && read) {
            // the bytes and the report carry everything a message held: the message reader's, not the administrator's
            return new Requirement(SmartScopes.MESSAGES_READ,
                    s -> s.has(SmartScopes.MESSAGES_READ) || s.allowsEverything(Access.READ));
        }
        if ((path.equals("/api/messages") || path.startsWith("/api/messages/")) && read) {
            return new Requirement(SmartScopes.MESSAGES_READ,
                    s -> s.has(SmartScopes.MESSAGES_READ) || s.allowsEverything(Access.READ) || s.admin());
        }
        if (path.equals("/api/recipients") && read) {
            return new Requirement("system/Practitioner.read", s -> s.allows("Practitioner", Access.READ) || s.admin());
        }
        if (DISCLOSURES.matcher(path).matches() && read) {
            return new Requirement("system/AuditEvent.read", s -> s.allows("AuditEvent", Access.READ));
        }
        return new Requirement(adminScope, SmartScopes::admin);
    }

    @Override
    @SuppressWarnings("deprecation")
    public AuthorizationDecision check(Supplier<Authentication> authentication, RequestAuthorizationContext context) {
        Authentication auth = authentication.get();
        if (auth == null || !auth.isAuthenticated() || scopesOf(auth, adminScope) == null) {
            return new AuthorizationDecision(false);
        }
        HttpServletRequest request = context.getRequest();
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Requirement requirement = requirement(request.getMethod(), path);
        boolean granted = requirement.test().test(scopesOf(auth, adminScope));
        if (!granted) {
            request.setAttribute(REQUIRED, requirement.scope());
        }
        return new AuthorizationDecision(granted);
    }

    /** The scopes of an authenticated API caller ({@code SCOPE_} authorities), or null for anyone else. */
    public static SmartScopes scopesOf(Authentication auth, String adminScope) {
        if (auth == null || auth.getAuthorities() == null) {
            return null;
        }
        List<String> scopes = auth.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("SCOPE_")).map(a -> a.substring("SCOPE_".length())).toList();
        boolean api = auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_API"));
        return api ? new SmartScopes(scopes, adminScope) : null;
    }
}
