package org.harbour.connectors.mllp.camel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.harbour.connectors.mllp.MllpServerConfig;

/**
 * Camel component {@code harbour-mllp:<listener>}: an MLLP listener as a route's consumer.
 * Listeners are registered by name with their configuration; the route's reply body (bytes)
 * is the acknowledgement sent back.
 *
 * <p>Harbour uses its own MLLP framing rather than camel-mllp, whose 4.17 consumer drops
 * messages that arrive pipelined in one TCP read.
 */
public final class MllpListenerComponent extends DefaultComponent {

    public static final String SCHEME = "harbour-mllp";

    private final Map<String, MllpServerConfig> listeners = new ConcurrentHashMap<>();

    public void register(MllpServerConfig config) {
        listeners.put(config.name(), config);
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        MllpServerConfig config = listeners.get(remaining);
        if (config == null) {
            throw new IllegalArgumentException("no MLLP listener named '" + remaining + "' is registered");
        }
        return new MllpListenerEndpoint(uri, this, config);
    }
}
