package org.harbour.routes.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.harbour.routes.audit.AuditTrail;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Failed logins: lockouts per account and source with backoff, and an audit trail no client can flood. */
class LoginThrottleTest {

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-04T02:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final AuditTrail audit = mock(AuditTrail.class);
    private final LoginThrottle throttle = new LoginThrottle(5, 50, Duration.ofSeconds(30), Duration.ofMinutes(15),
            clock);
    private final AuditingAuthFailures failures = new AuditingAuthFailures(audit, throttle, clock, Duration.ofMinutes(1),
            "harbour/admin");

    private static MockHttpServletRequest console(String user, String password) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/hawtio/");
        request.setRemoteAddr("10.1.2.3");
        request.addHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)));
        return request;
    }

    @Test
    void fiveWrongPasswordsLockTheAccountAndThenTheRightOneIsRefusedToo() throws Exception {
        for (int i = 0; i < 5; i++) {
            failures.loginFailed("10.1.2.3", "admin", "GET /hawtio/", "console credentials not accepted");
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        new ThrottleFilter(failures).doFilter(console("admin", "the-right-password"), response, chain);
        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getHeader("Retry-After")).isEqualTo("30");
        assertThat(response.getContentAsString()).contains("OperationOutcome", "too many failed logins");
        assertThat(chain.getRequest()).as("credentials never checked").isNull();
        // from another address too: the account is locked, not only the source
        assertThat(throttle.lockedFor("10.9.9.9", "admin")).isPresent();
        ArgumentCaptor<AuditEvent> entries = ArgumentCaptor.forClass(AuditEvent.class);
        verify(audit, org.mockito.Mockito.atLeastOnce()).record(entries.capture());
        assertThat(entries.getAllValues()).anySatisfy(e -> {
            assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("login-locked");
            assertThat(e.getOutcomeDesc()).contains("account admin", "PT30S");
        });
    }

    @Test
    void lockoutsEndAndEachFurtherOneLastsTwiceAsLong() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5; i++) {
                throttle.failed("10.1.2.3", "admin");
            }
            Duration expected = Duration.ofSeconds(30L << round);
            assertThat(throttle.lockedFor("10.1.2.3", "admin")).hasValue(expected);
            clock.now = clock.now.plus(expected);
            assertThat(throttle.lockedFor("10.1.2.3", "admin")).isEmpty();
        }
        // and a success starts the account afresh
        throttle.succeeded("10.1.2.3", "admin");
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.1.2.3", "admin");
        }
        assertThat(throttle.lockedFor("10.1.2.3", "admin")).isEmpty();
    }

    @Test
    void aFloodFromOneSourceLeavesOneEntryPerIntervalWithItsCountAndIsThrottled() throws Exception {
        for (int i = 0; i < 49; i++) {
            failures.loginFailed("10.7.7.7", null, "GET /fhir/Patient", "no credentials");
        }
        // the first of the minute has its entry at once; the rest wait for the count
        verify(audit, times(1)).record(any());
        assertThat(throttle.lockedFor("10.7.7.7", null)).isEmpty();
        failures.loginFailed("10.7.7.7", null, "GET /fhir/Patient", "no credentials");
        assertThat(throttle.lockedFor("10.7.7.7", null)).as("50 in a row: the source waits").isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        failures.flush();
        ArgumentCaptor<AuditEvent> entries = ArgumentCaptor.forClass(AuditEvent.class);
        verify(audit, times(3)).record(entries.capture());
        List<AuditEvent> all = entries.getAllValues();
        assertThat(all).extracting(e -> e.getSubtypeFirstRep().getCode())
                .containsExactly("login-failed", "login-locked", "login-failed");
        assertThat(all.get(2).getOutcomeDesc()).contains("no credentials: 49 more since 2026-12-04T02:00:00Z");
        // nothing more to write once flushed
        failures.flush();
        verify(audit, times(3)).record(any());
    }
}
