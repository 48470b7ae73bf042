package org.harbour.routes.health;

import org.apache.camel.CamelContext;
import org.harbour.connectors.mllp.MllpServer;
import org.harbour.connectors.mllp.camel.MllpListeners;
import org.harbour.routes.RouteIds;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** UP while the MLLP listener is bound and accepting. */
@Component("mllp")
public class MllpHealthIndicator implements HealthIndicator {

    private final CamelContext camel;

    public MllpHealthIndicator(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public Health health() {
        MllpServer server = MllpListeners.get(camel, RouteIds.MLLP_LISTENER);
        if (server == null || !server.isListening()) {
            return Health.down().withDetail("listener", RouteIds.MLLP_LISTENER).build();
        }
        return Health.up().withDetail("port", server.port())
                .withDetail("connections", server.activeConnections()).build();
    }
}
