package org.harbour.routes.security;

import java.util.Arrays;
import org.harbour.routes.config.HarbourProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * HTTP security: health is open; the operations console (Hawtio and its Jolokia endpoint) needs
 * an admin login; every other path needs the API bearer token.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfiguration {

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
    SecurityFilterChain console(HttpSecurity http) throws Exception {
        return http.securityMatcher(paths("/hawtio", "/hawtio/**", "/jolokia", "/jolokia/**", "/login", "/logout",
                        "/actuator/**"))
                .authorizeHttpRequests(a -> a.requestMatchers(paths("/login")).permitAll().anyRequest().hasRole("ADMIN"))
                .formLogin(Customizer.withDefaults())
                .httpBasic(Customizer.withDefaults())
                .csrf(c -> c.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()))
                .build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain api(HttpSecurity http, HarbourProperties properties) throws Exception {
        String token = GeneratedSecret.resolve(properties.api().token(),
                properties.dataDir().resolve("api-token"), "API token (HARBOUR_API_TOKEN)");
        return http.authorizeHttpRequests(a -> a.anyRequest().hasRole("API"))
                .addFilterBefore(new BearerTokenFilter(token), BasicAuthenticationFilter.class)
                .csrf(c -> c.disable())
                .requestCache(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(e -> e.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
                .build();
    }

    /**
     * Path matchers that also hold for servlets outside Spring MVC (Jolokia is one): plain
     * string patterns would be MVC matchers and miss them.
     */
    private static RequestMatcher paths(String... patterns) {
        PathPatternRequestMatcher.Builder builder = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(Arrays.stream(patterns).map(p -> (RequestMatcher) builder.matcher(p)).toList());
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
