package org.harbour.routes.disclose;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Message;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A delivery's queue message is acknowledged only once its receipt is committed. */
class PendingAcknowledgementsTest {

    private final Object session = new Object();
    private final PendingAcknowledgements acks = new PendingAcknowledgements(Duration.ofSeconds(5));

    /** A message that counts its acknowledgements. */
    private static Message message(AtomicInteger acknowledged) {
        return (Message) Proxy.newProxyInstance(Message.class.getClassLoader(), new Class<?>[] {Message.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("acknowledge")) {
                        acknowledged.incrementAndGet();
                    }
                    return null;
                });
    }

    @Test
    void acknowledgedWhenItsCommitSucceedsNotBefore() throws Exception {
        AtomicInteger acknowledged = new AtomicInteger();
        CompletableFuture<Long> commit = new CompletableFuture<>();
        acks.done(session, message(acknowledged), commit);
        assertThat(acknowledged).hasValue(0);

        commit.complete(42L);
        assertThat(acknowledged).hasValue(1);
        assertThat(acks.awaitPending(session)).isTrue();
        assertThat(acks.failed(session)).isFalse();
    }

    @Test
    void nothingToCommitIsAcknowledgedAtOnce() {
        AtomicInteger acknowledged = new AtomicInteger();
        acks.done(session, message(acknowledged), null);
        assertThat(acknowledged).hasValue(1);
    }

    @Test
    void aFailedCommitLeavesItUnacknowledgedAndTheSessionToRecover() throws Exception {
        AtomicInteger acknowledged = new AtomicInteger();
        CompletableFuture<Long> commit = new CompletableFuture<>();
        acks.done(session, message(acknowledged), commit);
        commit.completeExceptionally(new IllegalStateException("database gone"));

        assertThat(acknowledged).hasValue(0);
        assertThat(acks.failed(session)).isTrue();
        assertThat(acks.failed(new Object())).as("another recipient's session").isFalse();
        acks.recovering(session);
        assertThat(acks.failed(session)).isFalse();
    }

    @Test
    void aRedeliveryWaitsForThePendingCommits() throws Exception {
        AtomicInteger acknowledged = new AtomicInteger();
        CompletableFuture<Long> commit = new CompletableFuture<>();
        acks.done(session, message(acknowledged), commit);
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return acks.awaitPending(session);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waited).isNotDone();
        commit.complete(1L);
        assertThat(waited.get()).isTrue();
        assertThat(acknowledged).hasValue(1);
    }

    @Test
    void givesUpWaitingAfterItsTimeout() throws Exception {
        PendingAcknowledgements quick = new PendingAcknowledgements(Duration.ofMillis(50));
        quick.done(session, message(new AtomicInteger()), new CompletableFuture<>());
        assertThat(quick.awaitPending(session)).isFalse();
    }
}
