package org.harbour.routes.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What the console's Jolokia may be asked, after login: requests from the hub's own origin only
 * (or an origin configured in {@code harbour.console.allowed-origins}), so a page on another site
 * cannot use an operator's session; operations and writes by POST only (a GET is a link any page
 * can make a browser follow); and none of the operations that reach past the hub's own
 * management: heap dumps, diagnostic commands, flight recordings, logger levels (DEBUG logs carry
 * patient data), thread and class-loading controls, a Camel context's send/request (which would
 * inject messages), browsing or tracing message bodies, and the JVM's system properties and
 * arguments. Each permitted operation and write is written to the audit trail with who and
 * what, before it runs (operations that only look, as Hawtio's views call them all the time, are
 * not); a refused one is audited as denied. {@code jolokia-access.xml} repeats
 * the MBean denials inside Jolokia itself.
 */
public final class ConsoleGuard extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleGuard.class);
    private static final int MAX_BODY = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** MBean domains whose operations and writes are never allowed from the console. */
    private static final Set<String> CLOSED_DOMAINS = Set.of("java.lang", "com.sun.management", "jdk.management.jfr",
            "java.util.logging", "ch.qos.logback.classic", "java.nio", "JMImplementation", "org.springframework.boot");
    /** Operations never allowed on any MBean (Camel's, Artemis's): they inject, reveal or copy message content. */
    private static final Pattern CLOSED_OPERATIONS = Pattern.compile(
            "(?i)(send|request)Body.*|sendMessage.*|browse.*|dumpTraced.*|dumpAllTraced.*|.*WithBody.*"
                    + "|.*heap.*|.*dumpThreads.*|setTracing.*|setBacklogTracing.*|.*Debugger.*");
    /** Operations that only look (Hawtio calls them all the time): allowed, not audited. */
    private static final Pattern LOOKING = Pattern.compile(
            "(?i)(dump|get|is|list|query|count|can|has|find|explain|show|describe|check).*");
    /** Attributes never read: they may hold secrets given on the command line. */
    private static final Set<String> CLOSED_ATTRIBUTES = Set.of("SystemProperties", "InputArguments", "ClassPath",
            "BootClassPath", "LibraryPath");

    private final AuditTrail audit;
    private final Set<String> allowedOrigins;

    public ConsoleGuard(AuditTrail audit, List<String> allowedOrigins) {
        this.audit = audit;
        this.allowedOrigins = Set.copyOf(allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return !(path.equals("/jolokia") || path.startsWith("/jolokia/") || path.startsWith("/hawtio"));
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        if (origin != null && !sameOrigin(request, origin) && !allowedOrigins.contains(origin.toLowerCase(Locale.ROOT))) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "cross-origin console request refused",
                    "a request from another site");
            return;
        }
        String path = path(request);
        if (!path.startsWith("/jolokia")) {
            chain.doFilter(request, response);
            return;
        }
        String rest = path.length() > "/jolokia".length() ? path.substring("/jolokia".length() + 1) : "";
        String type = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        if (request.getMethod().equals("GET")) {
            if (Set.of("exec", "write").contains(type.toLowerCase(Locale.ROOT))) {
                response.setHeader("Allow", "POST");
                refuse(request, response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                        "console operations are POST only", "GET " + type);
                return;
            }
            if (type.equalsIgnoreCase("read") && closedAttribute(rest)) {
                refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "this attribute is not readable from the"
                        + " console", "read " + rest);
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        if (!request.getMethod().equals("POST")) {
            chain.doFilter(request, response);
            return;
        }
        if (!rest.isEmpty()) {
            // Jolokia reads a POST's requests from its body; a path after /jolokia would be a second way in
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, "post console requests to /jolokia",
                    "POST /jolokia/" + type);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            refuse(request, response, 413, "console request too large", "POST /jolokia");
            return;
        }
        List<String> operations = new ArrayList<>();
        String refusal = check(body, operations);
        if (refusal != null) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, refusal, refusal);
            return;
        }
        String who = Principals.describe(SecurityContextHolder.getContext().getAuthentication());
        for (String operation : operations) {
            try {
                audit.record(AuditEvents.adminAction(who, "console-operation", operation, true));
            } catch (Exception e) {
                LOG.error("A console operation could not be audited, so it is refused: {}", e.toString());
                refuse(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "the operation could not be"
                        + " audited, so it is refused; try again", null);
                return;
            }
        }
        chain.doFilter(new CachedBody(request, body), response);
    }

    /** Null when every request in the body may run (its exec/write operations named in {@code operations}), else why not. */
    static String check(byte[] body, List<String> operations) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return "a console request that is not JSON";
        }
        List<JsonNode> requests = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(requests::add);
        } else if (root != null) {
            requests.add(root);
        }
        for (JsonNode r : requests) {
            String type = r.path("type").asText("").toLowerCase(Locale.ROOT);
            String mbean = r.path("mbean").asText("");
            String domain = mbean.contains(":") ? mbean.substring(0, mbean.indexOf(':')) : mbean;
            if (type.equals("exec") || type.equals("write")) {
                String member = type.equals("exec") ? r.path("operation").asText("") : r.path("attribute").asText("");
                String name = member.contains("(") ? member.substring(0, member.indexOf('(')) : member;
                if (CLOSED_DOMAINS.contains(domain) || mbean.contains("*") || (type.equals("exec")
                        && CLOSED_OPERATIONS.matcher(name).matches())) {
                    return "the console may not " + type + " " + name + " on " + mbean;
                }
                if (type.equals("write") || !LOOKING.matcher(name).matches()) {
                    operations.add(type + " " + mbean + " " + name);
                }
            } else if (type.equals("read")) {
                JsonNode attribute = r.path("attribute");
                List<String> names = new ArrayList<>();
                if (attribute.isArray()) {
                    attribute.forEach(a -> names.add(a.asText()));
                } else if (!attribute.isMissingNode() && !attribute.isNull()) {
                    names.add(attribute.asText());
                }
                if (domain.equals("java.lang") && (names.isEmpty() || names.stream().anyMatch(CLOSED_ATTRIBUTES::contains))
                        && mbean.contains("type=Runtime")) {
                    return "the console may not read the JVM's arguments or system properties";
                }
            }
        }
        return null;
    }

    private static boolean closedAttribute(String rest) {
        // read/<mbean>/<attribute>: the JVM's runtime MBean, all attributes or a closed one
        if (!rest.contains("java.lang:type=Runtime")) {
            return false;
        }
        String after = rest.substring(rest.indexOf("java.lang:type=Runtime") + "java.lang:type=Runtime".length());
        String attribute = after.startsWith("/") ? after.substring(1) : "";
        return attribute.isEmpty() || CLOSED_ATTRIBUTES.stream().anyMatch(attribute::contains);
    }

    private static boolean sameOrigin(HttpServletRequest request, String origin) {
        try {
            URI o = URI.create(origin);
            int port = o.getPort() != -1 ? o.getPort() : "https".equalsIgnoreCase(o.getScheme()) ? 443 : 80;
            return o.getScheme() != null && o.getScheme().equalsIgnoreCase(request.getScheme())
                    && o.getHost() != null && o.getHost().equalsIgnoreCase(request.getServerName())
                    && port == request.getServerPort();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, int status, String reason,
            String what) throws IOException {
        if (what != null) {
            try {
                audit.record(AuditEvents.accessDenied(Principals.describe(SecurityContextHolder.getContext()
                        .getAuthentication()), request.getRemoteAddr(), request.getMethod() + " " + path(request)
                        + " (" + what + ")", "console: " + reason));
            } catch (Exception e) {
                LOG.error("A refused console request could not be audited: {}", e.toString());
            }
        }
        response.setStatus(status);
        response.setContentType("application/json;charset=UTF-8");
        response.getOutputStream().write(("{\"status\":" + status + ",\"error\":\"" + reason.replace("\"", "'")
                + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** The request with its body read once here and offered again to Jolokia. */
    private static final class CachedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
