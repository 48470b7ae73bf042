package org.harbour.routes.disclose;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledges a recipient's queue messages only once what their delivery recorded is committed.
 *
 * <p>A recipient's deliveries are sent one after another, in order. The receipt and the audit
 * entry of one commit while the next is already being sent (commits are shared, and deliveries
 * do not wait for one each); its queue message is acknowledged, on its own, when that commit has
 * succeeded. A crash before then brings the message back and it is sent again (at least once, as
 * before). A failed commit leaves its message unacknowledged; the session's next delivery then
 * recovers the session, so the broker delivers again, in order, whatever is not acknowledged.
 * Before a recovery, and before a redelivered message's receipt is checked, the pending commits
 * are waited for, so a message is never sent again only because its receipt was still on its way.
 * Keyed by the consumer's session (one per recipient route).
 */
final class PendingAcknowledgements {

    private static final Logger LOG = LoggerFactory.getLogger(PendingAcknowledgements.class);

    private record Pending(Message message, CompletableFuture<?> commit) {
    }

    /** Per session: what is pending, and whether a commit failed since the last recovery. */
    private static final class State {
        final List<Pending> pending = new ArrayList<>();
        boolean failed;
    }

    private final Map<Object, State> sessions = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private final Duration timeout;

    PendingAcknowledgements(Duration timeout) {
        this.timeout = timeout;
    }

    private State of(Object session) {
        synchronized (sessions) {
            return sessions.computeIfAbsent(session, s -> new State());
        }
    }

    /**
     * The delivery of {@code message} is done: acknowledged now when nothing of it is left to
     * commit ({@code commit} null), else once {@code commit} has succeeded.
     */
    void done(Object session, Message message, CompletableFuture<?> commit) {
        State s = of(session);
        if (commit == null) {
            synchronized (s) {
                acknowledge(message);
            }
            return;
        }
        Pending p = new Pending(message, commit);
        synchronized (s) {
            s.pending.add(p);
        }
        commit.whenComplete((result, failure) -> {
            synchronized (s) {
                s.pending.remove(p);
                if (failure == null) {
                    acknowledge(message);
                } else {
                    s.failed = true;
                    // the class only above DEBUG: a database's message may quote the row's values
                    LOG.warn("A delivery was accepted by its endpoint but its receipt could not be committed ({});"
                            + " it will be delivered again", failure.getClass().getName());
                    LOG.debug("The receipt's commit failed", failure);
                }
            }
        });
    }

    /** Waits until nothing is pending on the session (or the timeout); false if something still is. */
    boolean awaitPending(Object session) throws InterruptedException {
        State s = of(session);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<CompletableFuture<?>> waiting;
            synchronized (s) {
                waiting = s.pending.stream().<CompletableFuture<?>>map(Pending::commit).toList();
            }
            if (waiting.isEmpty()) {
                return true;
            }
            try {
                CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new))
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException failedCommit) {
                // its own completion marked the session; wait for the others
            } catch (TimeoutException e) {
                return false;
            }
        }
    }

    /** True when a commit on the session failed and the session has not been recovered since. */
    boolean failed(Object session) {
        State s = of(session);
        synchronized (s) {
            return s.failed;
        }
    }

    /** The session is about to be recovered: waits for the pending commits first. */
    void recovering(Object session) throws InterruptedException {
        awaitPending(session);
        State s = of(session);
        synchronized (s) {
            s.failed = false;
        }
    }

    private static void acknowledge(Message message) {
        try {
            message.acknowledge();
        } catch (JMSException | RuntimeException e) {
            // the session closed (the route stopped): the message comes again, and its receipt stops a resend
            LOG.debug("Acknowledging a delivered message failed: {}", e.toString());
        }
    }
}
