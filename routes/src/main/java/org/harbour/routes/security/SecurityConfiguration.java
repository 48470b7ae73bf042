package org.harbour.routes.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.config.HarbourProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * HTTP security. Health is open. The operations console (Hawtio, Jolokia) and every other
 * actuator endpoint need the admin role: the console login, or a JWT with the admin scope.
 * Every other path is the API: an OAuth2 JWT from the configured issuer whose SMART-style
 * scopes are checked per request ({@link ApiAuthorization}), or, on the embedded default only,
 * the static API token. Every 401 and 403 is written to the audit trail.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfiguration {

    private static final String REALM = "Harbour";

    /** The JWT side of the API, when an issuer is configured: the decoder and how claims become authorities. */
    public record JwtSupport(JwtDecoder decoder, JwtAuthenticationConverter converter) {
    }

    @Bean
    public JwtSupport jwtSupport(HarbourProperties properties) {
        HarbourProperties.Auth auth = properties.auth();
        if (!auth.jwt()) {
            if (!auth.staticToken()) {
                throw new IllegalStateException("No token issuer is configured and the static API token is not allowed:"
                        + " set harbour.auth.issuer-uri (HARBOUR_AUTH_ISSUER_URI) or harbour.auth.jwk-set-uri");
            }
            return new JwtSupport(null, null);
        }
        return new JwtSupport(decoder(auth), converter(auth.adminScope()));
    }

    private static JwtDecoder decoder(HarbourProperties.Auth auth) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(blank(auth.issuerUri()) ? JwtValidators.createDefault()
                : JwtValidators.createDefaultWithIssuer(auth.issuerUri()));
        if (!blank(auth.audience())) {
            OAuth2Error wrongAudience = new OAuth2Error("invalid_token", "the token is not meant for this hub", null);
            validators.add(jwt -> jwt.getAudience() != null && jwt.getAudience().contains(auth.audience())
                    ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(wrongAudience));
        }
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(validators);
        // built on first use, so the hub starts while the issuer is briefly unreachable
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = blank(auth.jwkSetUri())
                    ? (NimbusJwtDecoder) JwtDecoders.fromIssuerLocation(auth.issuerUri())
                    : NimbusJwtDecoder.withJwkSetUri(auth.jwkSetUri()).build();
            decoder.setJwtValidator(validator);
            return decoder;
        });
    }

    private static JwtAuthenticationConverter converter(String adminScope) {
        JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> {
            Collection<GrantedAuthority> granted = new ArrayList<>(scopes.convert(jwt));
            granted.add(new SimpleGrantedAuthority("ROLE_API"));
            if (granted.stream().anyMatch(a -> a.getAuthority().equals("SCOPE_" + adminScope))) {
                granted.add(new SimpleGrantedAuthority("ROLE_ADMIN"));
            }
            return granted;
        });
        return converter;
    }

    @Bean(destroyMethod = "close")
    AuditingAuthFailures auditingAuthFailures(AuditTrail audit, HarbourProperties properties, java.time.Clock clock) {
        HarbourProperties.Lockout lockout = properties.auth().lockout();
        LoginThrottle throttle = new LoginThrottle(lockout.accountFailures(), lockout.sourceFailures(),
                lockout.initial(), lockout.maximum(), clock);
        return new AuditingAuthFailures(audit, throttle, clock, lockout.auditInterval(), properties.auth().adminScope())
                .start();
    }

    /**
     * Tomcat's own answers (requests it refuses before Spring sees them) in the hub's error
     * shapes, not its HTML page ({@link org.harbour.routes.api.ContainerErrorReport}).
     */
    @Bean
    org.springframework.boot.web.server.WebServerFactoryCustomizer<
            org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory> containerErrors() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
                host.setErrorReportValveClass(org.harbour.routes.api.ContainerErrorReport.class.getName());
            }
        });
    }

    @Bean
    @Order(1)
    SecurityFilterChain health(HttpSecurity http) throws Exception {
        return http.securityMatcher(paths("/actuator/health", "/actuator/health/**"))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.disable())
                .requestCache(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain console(HttpSecurity http, JwtSupport jwt, AuditingAuthFailures failures, AuditTrail audit,
            HarbourProperties properties) throws Exception {
        AuthenticationEntryPoint audited = (request, response, failure) -> {
            failures.loginFailed(request.getRemoteAddr(), ThrottleFilter.accountOf(request), request.getMethod() + " "
                    + request.getRequestURI(), request.getHeader("Authorization") == null ? "no credentials"
                    : "console credentials not accepted");
            consoleEntryPoint().commence(request, response, failure);
        };
        SimpleUrlAuthenticationFailureHandler loginFailed = new SimpleUrlAuthenticationFailureHandler("/login?error");
        http.securityMatcher(paths("/hawtio", "/hawtio/**", "/jolokia", "/jolokia/**", "/login", "/logout",
                        "/actuator/**", "/console/**"))
                .authorizeHttpRequests(a -> a.requestMatchers(paths("/login")).permitAll().anyRequest().hasRole("ADMIN"))
                .formLogin(f -> f.loginPage("/login").defaultSuccessUrl("/hawtio/", false)
                        .failureHandler((request, response, failure) -> {
                    failures.loginFailed(request.getRemoteAddr(), request.getParameter("username"), "POST /login",
                            "console login refused");
                    loginFailed.onAuthenticationFailure(request, response, failure);
                }))
                .httpBasic(b -> b.authenticationEntryPoint(audited))
                // POST /logout (with the CSRF token), or Hawtio's "Log out", which navigates to auth/logout
                .logout(l -> l.logoutRequestMatcher(new OrRequestMatcher(
                                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/logout"),
                                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/hawtio/auth/logout")))
                        .addLogoutHandler((request, response, who) -> {
                            if (who != null) {
                                try {
                                    audit.record(AuditEvents.adminAction(Principals.describe(who), "console logout",
                                            "logged out of the console", true));
                                } catch (Exception e) {
                                    // the operator is logged out all the same; the trail's own failure is logged there
                                    org.slf4j.LoggerFactory.getLogger(SecurityConfiguration.class)
                                            .warn("a console logout could not be audited: {}", e.toString());
                                }
                            }
                        })
                        .logoutSuccessUrl("/login?logout").deleteCookies("JSESSIONID", "XSRF-TOKEN"))
                .exceptionHandling(e -> e.authenticationEntryPoint(audited).accessDeniedHandler(failures))
                .addFilterAfter(new HawtioUser(), org.springframework.security.web.access.intercept.AuthorizationFilter.class)
                .addFilterBefore(new ThrottleFilter(failures),
                        org.springframework.security.web.context.SecurityContextHolderFilter.class)
                // after authorisation: what the logged-in operator may ask Jolokia, audited with who asked
                .addFilterAfter(new ConsoleGuard(audit, properties.console().allowedOrigins()),
                        org.springframework.security.web.access.intercept.AuthorizationFilter.class)
                // the CSRF token loaded on every console request, so its cookie is there for Hawtio to echo
                .addFilterAfter(new org.springframework.web.filter.OncePerRequestFilter() {
                    @Override
                    protected void doFilterInternal(jakarta.servlet.http.HttpServletRequest request,
                            jakarta.servlet.http.HttpServletResponse response, jakarta.servlet.FilterChain chain)
                            throws jakarta.servlet.ServletException, java.io.IOException {
                        Object token = request.getAttribute(org.springframework.security.web.csrf.CsrfToken.class.getName());
                        if (token instanceof org.springframework.security.web.csrf.CsrfToken csrf) {
                            csrf.getToken();
                        }
                        chain.doFilter(request, response);
                    }
                }, org.springframework.security.web.csrf.CsrfFilter.class)
                .csrf(c -> c.csrfTokenRepository(csrfCookies())
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                        .ignoringRequestMatchers(request -> request.getHeader("Authorization") != null
                                && request.getHeader("Authorization").startsWith("Bearer ")));
        if (jwt.decoder() != null) {
            http.oauth2ResourceServer(o -> o.jwt(j -> j.decoder(jwt.decoder())
                    .jwtAuthenticationConverter(jwt.converter())).authenticationEntryPoint(audited));
        }
        return http.build();
    }

    /** The console's CSRF cookie: readable by its script (it echoes it), same-site only. */
    private static CookieCsrfTokenRepository csrfCookies() {
        CookieCsrfTokenRepository cookies = CookieCsrfTokenRepository.withHttpOnlyFalse();
        cookies.setCookieCustomizer(cookie -> cookie.sameSite("Strict"));
        return cookies;
    }

    /** Browsers go to the login page; other clients get 401 with a Basic challenge. */
    private static AuthenticationEntryPoint consoleEntryPoint() {
        MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
        html.setIgnoredMediaTypes(java.util.Set.of(MediaType.ALL));
        java.util.LinkedHashMap<RequestMatcher, AuthenticationEntryPoint> points = new java.util.LinkedHashMap<>();
        points.put(html, new LoginUrlAuthenticationEntryPoint("/login"));
        DelegatingAuthenticationEntryPoint entry = new DelegatingAuthenticationEntryPoint(points);
        // as the API answers: an OperationOutcome, the challenges the console takes (a bearer token or its login)
        entry.setDefaultEntryPoint((request, response, failure) -> {
            response.addHeader("WWW-Authenticate", "Bearer");
            response.addHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
            AuditingAuthFailures.write(response, 401, "login", "authentication required: the console login or a bearer"
                    + " token with the admin scope");
        });
        return entry;
    }

    @Bean
    @Order(3)
    SecurityFilterChain api(HttpSecurity http, HarbourProperties properties, JwtSupport jwt,
            AuditingAuthFailures failures) throws Exception {
        // an error page is the answer to a request already authorised: it must not turn a 500 into a 401
        http.authorizeHttpRequests(a -> a.dispatcherTypeMatchers(jakarta.servlet.DispatcherType.ERROR).permitAll()
                        .anyRequest().access(new ApiAuthorization(properties.auth().adminScope())))
                .csrf(c -> c.disable())
                .requestCache(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(e -> e.authenticationEntryPoint(failures).accessDeniedHandler(failures))
                .addFilterBefore(new ThrottleFilter(failures),
                        org.springframework.security.web.context.SecurityContextHolderFilter.class);
        if (jwt.decoder() != null) {
            http.oauth2ResourceServer(o -> o.jwt(j -> j.decoder(jwt.decoder()).jwtAuthenticationConverter(jwt.converter()))
                    .authenticationEntryPoint(failures).accessDeniedHandler(failures));
        } else {
            String token = GeneratedSecret.resolve(properties.api().token(),
                    properties.dataDir().resolve("api-token"), "API token (HARBOUR_API_TOKEN)");
            http.addFilterBefore(new BearerTokenFilter(token, properties.auth().adminScope()),
                    BasicAuthenticationFilter.class);
        }
        return http.build();
    }

    /**
     * Path matchers that also hold for servlets outside Spring MVC (Jolokia is one): plain
     * string patterns would be MVC matchers and miss them.
     */
    private static RequestMatcher paths(String... patterns) {
        PathPatternRequestMatcher.Builder builder = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(Arrays.stream(patterns).map(p -> (RequestMatcher) builder.matcher(p)).toList());
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService consoleUsers(HarbourProperties properties, PasswordEncoder encoder) {
        String password = GeneratedSecret.resolve(properties.console().password(),
                properties.dataDir().resolve("console-password"), "console password (HARBOUR_CONSOLE_PASSWORD)");
        return new InMemoryUserDetailsManager(User.withUsername(properties.console().username())
                .password(encoder.encode(password)).roles("ADMIN").build());
    }
}
