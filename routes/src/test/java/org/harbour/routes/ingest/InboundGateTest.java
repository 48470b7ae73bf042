package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.harbour.connectors.mllp.MllpHeaders;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.store.DuplicateWindow;
import org.harbour.routes.store.MessageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admission step never makes the listener's I/O thread wait for the database: what memory can
 * answer is answered on the calling thread, and a resend check that needs a query runs elsewhere.
 */
class InboundGateTest {

    private final CountDownLatch queryMayAnswer = new CountDownLatch(1);
    private final AtomicInteger queries = new AtomicInteger();
    private final DuplicateWindow window = new DuplicateWindow(Period.ofDays(7));

    /** A message store whose key lookup waits, as one does for a busy connection pool. */
    private final MessageStore slowStore = new MessageStore(null, null, window, Clock.systemUTC()) {
        @Override
        public Optional<Instant> acceptedWithinWindow(String key, String fingerprint, Instant at) {
            queries.incrementAndGet();
            try {
                queryMayAnswer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }

        @Override
        public void forEachKeySince(Instant since, Consumer<String> action) {
            // an empty key table
        }
    };

    private final ResendGuard resends = new ResendGuard(slowStore, window, Duration.ofMinutes(5), Clock.systemUTC(),
            1000);
    private final InboundGate gate = new InboundGate(resends, slowStore, 1 << 20, null);

    @AfterEach
    void close() {
        queryMayAnswer.countDown();
        gate.close();
    }

    private static Exchange received(String controlId) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(Hl7Samples.oru("KWC", controlId, "UNICODE UTF-8").getBytes(StandardCharsets.UTF_8));
        exchange.getIn().setHeader(MllpHeaders.RECEIVED_AT, Instant.now().toString());
        return exchange;
    }

    @Test
    void aResendCheckThatNeedsTheDatabaseRunsOffTheCallingThread() throws Exception {
        // no filter loaded yet: only the key table can tell
        Exchange exchange = received("MSG-1");
        AsyncProcessor admission = gate.admission(ResendKey.DEFAULT);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<String> finishedOn = new AtomicReference<>();
        boolean sync = admission.process(exchange, doneSync -> {
            finishedOn.set(Thread.currentThread().getName());
            done.countDown();
        });
        assertThat(sync).as("returned while the query waits").isFalse();
        assertThat(done.getCount()).isEqualTo(1);
        queryMayAnswer.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(finishedOn.get()).startsWith("ingest-database-");
        assertThat(exchange.getProperty(InboundGate.DISPOSITION)).isEqualTo(Disposition.ACCEPT);
        assertThat(queries.get()).isEqualTo(1);
    }

    @Test
    void whatMemoryCanAnswerIsAnsweredOnTheCallingThreadWithoutAQuery() throws Exception {
        resends.refreshFilter();
        Exchange fresh = received("MSG-2");
        assertThat(gate.admission(ResendKey.DEFAULT).process(fresh, doneSync -> { })).isTrue();
        assertThat(fresh.getProperty(InboundGate.DISPOSITION)).isEqualTo(Disposition.ACCEPT);
        gate.enqueued(fresh);
        Exchange again = received("MSG-2");
        assertThat(gate.admission(ResendKey.DEFAULT).process(again, doneSync -> { })).isTrue();
        assertThat(again.getProperty(InboundGate.DISPOSITION)).isEqualTo(Disposition.DUPLICATE);
        // the same control id with other content: a collision, accepted (the store stage keeps it apart)
        Exchange other = received("MSG-2");
        other.getIn().setBody(new String(other.getIn().getBody(byte[].class), StandardCharsets.UTF_8)
                .replace("||8.1|", "||9.4|").getBytes(StandardCharsets.UTF_8));
        assertThat(gate.admission(ResendKey.DEFAULT).process(other, doneSync -> { })).isTrue();
        assertThat(other.getProperty(InboundGate.DISPOSITION)).isEqualTo(Disposition.ACCEPT);
        assertThat(other.getIn().getHeader(org.harbour.routes.Headers.RESEND_KEY)).isEqualTo("MEDILINK|KWC|MSG-2");
        assertThat(queries.get()).isZero();
    }
}
