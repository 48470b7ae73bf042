package org.harbour.routes.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** Authenticates {@code Authorization: Bearer <token>} against the hub's static API token. */
public class BearerTokenFilter extends OncePerRequestFilter {

    private static final String PREFIX = "Bearer ";

    private final byte[] token;
    private final List<SimpleGrantedAuthority> authorities;

    /** The static token is the embedded default's one credential: it may read and write everything, and administer. */
    public BearerTokenFilter(String token, String adminScope) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.authorities = List.of(new SimpleGrantedAuthority("ROLE_API"), new SimpleGrantedAuthority("SCOPE_system/*.*"),
                new SimpleGrantedAuthority("SCOPE_" + adminScope));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            byte[] presented = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
            if (MessageDigest.isEqual(presented, token)) {
                SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                        "api-token", null, authorities));
            }
        }
        chain.doFilter(request, response);
    }
}
