package org.harbour.routes.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** How a caller is named in the audit trail: the token's subject and, when different, its client. */
public final class Principals {

    private Principals() {
    }

    public static String describe(Authentication auth) {
        if (auth == null || !auth.isAuthenticated()) {
            return "anonymous";
        }
        if (auth instanceof JwtAuthenticationToken jwt) {
            String subject = jwt.getToken().getSubject();
            String client = jwt.getToken().getClaimAsString("azp");
            if (client == null) {
                client = jwt.getToken().getClaimAsString("client_id");
            }
            String issuer = jwt.getToken().getIssuer() == null ? "" : "@" + jwt.getToken().getIssuer().getHost();
            return (subject == null ? "unknown" : subject) + issuer
                    + (client != null && !client.equals(subject) ? " (client " + client + ")" : "");
        }
        return auth.getName();
    }
}
