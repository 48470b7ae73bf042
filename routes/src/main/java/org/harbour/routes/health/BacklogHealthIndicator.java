package org.harbour.routes.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.harbour.routes.RouteIds;
import org.harbour.routes.ingest.DiskGuard;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The backlog: messages waiting on harbour.inbound (and of them, moved aside for a later retry),
 * waiting for delivery on the recipients' queues, dead letters, and whether the broker is paging
 * them to disk (beyond {@code harbour.broker.max-memory}). As meters,
 * {@code harbour.queue.messages{queue=...}} and {@code harbour.queue.paging}; as the health
 * component {@code backlog}, OUT_OF_SERVICE while the data directory's disk is nearly full
 * (ingest then answers AR 207). With an external broker the queues are its to report (its own
 * console); the disk check still applies.
 */
public class BacklogHealthIndicator implements HealthIndicator {

    private static final String OUTBOUND_PREFIX = "harbour.outbound.";

    private final ObjectProvider<EmbeddedActiveMQ> embedded;
    private final DiskGuard disk;

    public BacklogHealthIndicator(ObjectProvider<EmbeddedActiveMQ> embedded, DiskGuard disk, MeterRegistry meters) {
        this.embedded = embedded;
        this.disk = disk;
        Gauge.builder("harbour.queue.messages", this, b -> b.count(RouteIds.INBOUND_QUEUE))
                .tag("queue", RouteIds.INBOUND_QUEUE).description("messages waiting to be stored and translated")
                .register(meters);
        Gauge.builder("harbour.queue.messages", this, b -> b.scheduled(RouteIds.INBOUND_QUEUE))
                .tag("queue", RouteIds.INBOUND_QUEUE + ".retry-later")
                .description("of them, moved aside after a failure, waiting for their retry").register(meters);
        Gauge.builder("harbour.queue.messages", this, BacklogHealthIndicator::outbound)
                .tag("queue", "harbour.outbound").description("deliveries waiting, all recipients").register(meters);
        Gauge.builder("harbour.queue.messages", this, b -> b.count(RouteIds.DEAD_LETTER_QUEUE))
                .tag("queue", RouteIds.DEAD_LETTER_QUEUE).description("dead letters").register(meters);
        Gauge.builder("harbour.queue.paging", this, b -> b.paging() ? 1 : 0)
                .description("1 while the broker pages messages to disk (its memory for them is full)").register(meters);
    }

    private ActiveMQServer server() {
        EmbeddedActiveMQ broker = embedded.getIfAvailable();
        return broker == null ? null : broker.getActiveMQServer();
    }

    private Queue queue(String name) {
        ActiveMQServer server = server();
        return server == null || !server.isActive() ? null : server.locateQueue(SimpleString.of(name));
    }

    double count(String name) {
        Queue queue = queue(name);
        return queue == null ? Double.NaN : queue.getMessageCount();
    }

    double scheduled(String name) {
        Queue queue = queue(name);
        return queue == null ? Double.NaN : queue.getScheduledCount();
    }

    double outbound() {
        ActiveMQServer server = server();
        if (server == null || !server.isActive()) {
            return Double.NaN;
        }
        long total = 0;
        for (SimpleString name : server.getPostOffice().getAddresses()) {
            if (name.toString().startsWith(OUTBOUND_PREFIX) && !name.toString().endsWith(".dlq")) {
                Queue queue = server.locateQueue(name);
                total += queue == null ? 0 : queue.getMessageCount();
            }
        }
        return total;
    }

    boolean paging() {
        ActiveMQServer server = server();
        if (server == null || !server.isActive() || server.getPagingManager() == null) {
            return false;
        }
        try {
            for (SimpleString address : server.getPagingManager().getStoreNames()) {
                var store = server.getPagingManager().getPageStore(address);
                if (store != null && store.isPaging()) {
                    return true;
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    @Override
    public Health health() {
        Health.Builder health = disk.low() ? Health.outOfService().withDetail("disk",
                "nearly full: below " + (disk.minFree() >> 20) + " MB free; ingest answers AR 207") : Health.up();
        if (server() != null) {
            health.withDetail("inbound", (long) count(RouteIds.INBOUND_QUEUE))
                    .withDetail("retryLater", (long) scheduled(RouteIds.INBOUND_QUEUE))
                    .withDetail("outbound", (long) outbound())
                    .withDetail("deadLetters", (long) count(RouteIds.DEAD_LETTER_QUEUE))
                    .withDetail("paging", paging());
        }
        return health.build();
    }
}
