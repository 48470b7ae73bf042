package org.harbour.routes.security;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Tells Hawtio who is logged in: {@code GET /hawtio/user} answers the console login's user name
 * (a JSON string), so Hawtio shows the operator and its "Log out", which goes to
 * {@code /hawtio/auth/logout} and ends the Spring session. Hawtio's own authentication is off
 * (the hub's login guards the console); without this Hawtio would call everyone "public" and
 * offer no way out.
 */
final class HawtioUser extends OncePerRequestFilter {

    static final String PATH = "/hawtio/user";

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"GET".equals(request.getMethod())
                || !(request.getContextPath() + PATH).equals(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication who = SecurityContextHolder.getContext().getAuthentication();
        if (who == null || !who.isAuthenticated()) {
            chain.doFilter(request, response);
            return;
        }
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write('"' + new String(JsonStringEncoder.getInstance().quoteAsString(who.getName())) + '"');
    }
}
