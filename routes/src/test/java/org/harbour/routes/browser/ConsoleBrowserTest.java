package org.harbour.routes.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.camel.api.management.ManagedCamelContext;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.RouteIds;
import org.junit.jupiter.api.Test;

/**
 * The operations console in a real browser (src/test/browser/console.mjs): the hub's login page
 * (a wrong password refused), Hawtio with the Camel routes and their counts, the harbour.inbound
 * queue opened in the JMX tree with its attributes read through Jolokia (no request refused: the
 * CSRF cookie works with Spring Security's), the queues page, and Hawtio's own "Log out".
 */
class ConsoleBrowserTest extends HubTestSupport {

    @Test
    void anOperatorLogsInSeesTheRoutesAndTheInboundQueueAndLogsOut() throws Exception {
        BrowserScripts.requireBrowser();
        String sender = uniqueSender("CONSOLE");
        try (MllpClient client = connect()) {
            client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, "CON-1", "UNICODE UTF-8")));
        }
        awaitStored(sender, 1);
        awaitInboundDrained();
        long completed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(RouteIds.STORE).getExchangesCompleted();
        assertThat(completed).isPositive();
        String printed = BrowserScripts.run("console.mjs", Map.of(
                "HARBOUR_URL", "http://127.0.0.1:" + httpPort,
                "HARBOUR_CONSOLE_USER", "admin",
                "HARBOUR_CONSOLE_PASSWORD", CONSOLE_PASSWORD,
                "HARBOUR_STORE_COMPLETED", String.valueOf(completed)));
        assertThat(printed).contains("all passed");
    }
}
