package org.harbour.connectors.mllp.camel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.harbour.connectors.mllp.MllpServer;

/** The running MLLP listeners of a Camel context, by name, for health checks and metrics. */
public final class MllpListeners {

    private static final String KEY = MllpListeners.class.getName();

    private MllpListeners() {
    }

    @SuppressWarnings("unchecked")
    private static Map<String, MllpServer> of(CamelContext context) {
        return (Map<String, MllpServer>) context.getRegistry()
                .lookupByNameAndType(KEY, Map.class);
    }

    static void register(CamelContext context, String name, MllpServer server) {
        Map<String, MllpServer> servers = of(context);
        if (servers == null) {
            servers = new ConcurrentHashMap<>();
            context.getRegistry().bind(KEY, Map.class, servers);
        }
        servers.put(name, server);
    }

    static void unregister(CamelContext context, String name) {
        Map<String, MllpServer> servers = of(context);
        if (servers != null) {
            servers.remove(name);
        }
    }

    /** The running listener with that name, or null. */
    public static MllpServer get(CamelContext context, String name) {
        Map<String, MllpServer> servers = of(context);
        return servers == null ? null : servers.get(name);
    }
}
