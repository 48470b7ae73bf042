package org.harbour.routes.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins, counted per account and per source address: after {@code accountFailures}
 * failures in a row for an account, or {@code sourceFailures} from one address (every refused
 * request counts there, with credentials or none), the key is locked out, for {@code initial}, doubling with each further lockout up to
 * {@code maximum}; while locked, every attempt from that source or for that account is
 * refused (429) without its credentials being checked, the right password included. A
 * successful login clears its account and source. Lockouts end by themselves; a hub restart
 * clears them all (they are kept in memory).
 *
 * <p>Sources are counted for every refused request (a token, a console password, none at all),
 * so one client cannot flood the hub or the audit trail; accounts only for console logins.
 */
public final class LoginThrottle {

    /** A key newly locked out: what, and for how long. */
    public record Lockout(String key, Duration duration, int failures) {
    }

    private static final class State {
        int consecutive;
        int lockouts;
        Instant lockedUntil = Instant.MIN;
    }

    private final int accountFailures;
    private final int sourceFailures;
    private final Duration initial;
    private final Duration maximum;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    public LoginThrottle(int accountFailures, int sourceFailures, Duration initial, Duration maximum, Clock clock) {
        this.accountFailures = accountFailures;
        this.sourceFailures = sourceFailures;
        this.initial = initial;
        this.maximum = maximum;
        this.clock = clock;
    }

    static String source(String address) {
        return "source " + address;
    }

    static String account(String name) {
        return "account " + name;
    }

    /** How long the source or account is still locked out, if it is. */
    public Optional<Duration> lockedFor(String address, String accountName) {
        Instant now = clock.instant();
        Duration longest = null;
        for (String key : keys(address, accountName)) {
            State state = states.get(key);
            if (state != null) {
                synchronized (state) {
                    if (state.lockedUntil.isAfter(now)) {
                        Duration left = Duration.between(now, state.lockedUntil);
                        longest = longest == null || left.compareTo(longest) > 0 ? left : longest;
                    }
                }
            }
        }
        return Optional.ofNullable(longest);
    }

    /** Counts a failure; returns the lockouts it starts (to be audited). */
    public java.util.List<Lockout> failed(String address, String accountName) {
        Instant now = clock.instant();
        java.util.List<Lockout> started = new java.util.ArrayList<>();
        for (String key : keys(address, accountName)) {
            State state = states.computeIfAbsent(key, k -> new State());
            synchronized (state) {
                state.consecutive++;
                int limit = key.startsWith("account ") ? accountFailures : sourceFailures;
                if (state.consecutive >= limit && !state.lockedUntil.isAfter(now)) {
                    Duration duration = initial.multipliedBy(1L << Math.min(20, state.lockouts));
                    if (duration.compareTo(maximum) > 0) {
                        duration = maximum;
                    }
                    state.lockouts++;
                    state.lockedUntil = now.plus(duration);
                    started.add(new Lockout(key, duration, state.consecutive));
                    state.consecutive = 0;
                }
            }
        }
        return started;
    }

    /** A successful login: its source and account start afresh. */
    public void succeeded(String address, String accountName) {
        for (String key : keys(address, accountName)) {
            states.remove(key);
        }
    }

    private static java.util.List<String> keys(String address, String accountName) {
        java.util.List<String> keys = new java.util.ArrayList<>(2);
        if (address != null) {
            keys.add(source(address));
        }
        if (accountName != null && !accountName.isBlank()) {
            keys.add(account(accountName));
        }
        return keys;
    }
}
