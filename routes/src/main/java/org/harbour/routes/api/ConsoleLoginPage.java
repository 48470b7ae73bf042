package org.harbour.routes.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The operations console's login page ({@code GET /login}): a plain form posting the console
 * user and password (and the CSRF token) to {@code POST /login}, which Spring Security checks;
 * a refused login comes back here with {@code ?error}, a lockout with {@code ?locked}. Not
 * cached, not framable, no script.
 */
@RestController
public class ConsoleLoginPage {

    @GetMapping(value = "/login", produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> page(HttpServletRequest request) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        String problem = request.getParameter("error") != null ? "<p class=\"problem\">The user name or password was"
                + " not accepted.</p>" : request.getParameter("logout") != null ? "<p>You are logged out.</p>" : "";
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Harbour console —"
                + " log in</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>"
                + "body{font-family:system-ui,sans-serif;background:#f3f6f9;margin:0;display:flex;justify-content:center}"
                + "main{background:#fff;margin-top:10vh;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 1px 4px #0002;"
                + "min-width:18rem}h1{font-size:1.3rem;color:#0b4f6c;margin:0 0 1rem}label{display:block;margin:.8rem 0 .2rem}"
                + "input{width:100%;padding:.45rem;box-sizing:border-box}button{margin-top:1.2rem;padding:.5rem 1.2rem;"
                + "background:#0b4f6c;color:#fff;border:0;border-radius:4px}.problem{color:#a4262c}</style></head><body>"
                + "<main><h1>Harbour operations console</h1>" + problem
                + "<form method=\"post\" action=\"" + HtmlUtils.htmlEscape(request.getContextPath()) + "/login\">"
                + "<label for=\"username\">User</label><input id=\"username\" name=\"username\" autocomplete=\"username\""
                + " required autofocus><label for=\"password\">Password</label><input id=\"password\" name=\"password\""
                + " type=\"password\" autocomplete=\"current-password\" required>"
                + (csrf == null ? "" : "<input type=\"hidden\" name=\"" + HtmlUtils.htmlEscape(csrf.getParameterName())
                        + "\" value=\"" + HtmlUtils.htmlEscape(csrf.getToken()) + "\">")
                + "<button type=\"submit\">Log in</button></form></main></body></html>";
        return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
                        + " frame-ancestors 'none'")
                .header("X-Frame-Options", "DENY").contentType(new MediaType(MediaType.TEXT_HTML,
                        java.nio.charset.StandardCharsets.UTF_8)).body(html);
    }
}
