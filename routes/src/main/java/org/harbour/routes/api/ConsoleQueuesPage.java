package org.harbour.routes.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The broker's queues as queues, for operators ({@code GET /console/queues}, the console login):
 * each of the hub's queues (harbour.inbound, the dead-letter queues, every destination's
 * delivery queue) with what waits on it, what is being delivered, its consumers and its
 * totals. Hawtio shows the same numbers as JMX attributes; this page puts them side by side.
 * Refreshes itself every 10 seconds; no script. With an external broker the queues are that
 * broker's to show (its own console).
 */
@RestController
public class ConsoleQueuesPage {

    /** One queue as the page shows it. */
    public record QueueRow(String name, String routing, long messages, long scheduled, long delivering, int consumers,
            long added, long acknowledged, long killed, boolean paused) {
        boolean deadLetters() {
            return name.endsWith("dlq");
        }
    }

    private final ObjectProvider<EmbeddedActiveMQ> embedded;

    public ConsoleQueuesPage(ObjectProvider<EmbeddedActiveMQ> embedded) {
        this.embedded = embedded;
    }

    /** The hub's queues on the embedded broker, by name; null with an external broker. */
    public List<QueueRow> queues() {
        EmbeddedActiveMQ broker = embedded.getIfAvailable();
        ActiveMQServer server = broker == null ? null : broker.getActiveMQServer();
        if (server == null || !server.isActive()) {
            return null;
        }
        List<QueueRow> rows = new ArrayList<>();
        for (SimpleString address : server.getPostOffice().getAddresses()) {
            if (!address.toString().startsWith("harbour.")) {
                continue;
            }
            try {
                for (Queue q : server.getPostOffice().listQueuesForAddress(address)) {
                    // a topic's subscription is named for its subscriber: shown with the topic it listens to
                    String name = q.getName().equals(address) ? address.toString()
                            : address + " → " + q.getName() + " (subscription)";
                    rows.add(new QueueRow(name, String.valueOf(q.getRoutingType()), q.getMessageCount(),
                            q.getScheduledCount(), q.getDeliveringCount(), q.getConsumerCount(), q.getMessagesAdded(),
                            q.getMessagesAcknowledged(), q.getMessagesKilled(), q.isPaused()));
                }
            } catch (Exception e) {
                throw new IllegalStateException("the broker could not list the queues of " + address, e);
            }
        }
        rows.sort(Comparator.comparing(QueueRow::name));
        return rows;
    }

    @GetMapping(value = "/console/queues", produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> page() {
        List<QueueRow> rows = queues();
        StringBuilder html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"refresh\" content=\"10\"><title>Harbour — queues</title><style>"
                + "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b2733}h1{font-size:1.3rem;color:#0b4f6c}"
                + "table{border-collapse:collapse}th,td{padding:.35rem .7rem;border-bottom:1px solid #d6dde3;"
                + "text-align:right}th:first-child,td:first-child{text-align:left}tr.dlq td{background:#fdf3f3}"
                + "tr.dlq.full td{background:#f8d7d7;font-weight:600}nav a{margin-right:1rem}</style></head><body>"
                + "<nav><a href=\"../hawtio/\">Console</a><a href=\"../hawtio/auth/logout\">Log out</a></nav>"
                + "<h1>Queues</h1>");
        if (rows == null) {
            html.append("<p>The hub uses an external broker: its queues are shown by that broker's own console.</p>");
        } else {
            html.append("<table><thead><tr><th>Queue</th><th>Waiting</th><th>Retry later</th><th>Being delivered</th>"
                    + "<th>Consumers</th><th>Added</th><th>Acknowledged</th><th>Dead-lettered</th><th>State</th>"
                    + "</tr></thead><tbody>");
            for (QueueRow q : rows) {
                html.append("<tr class=\"").append(q.deadLetters() ? q.messages() > 0 ? "dlq full" : "dlq" : "")
                        .append("\" data-queue=\"").append(HtmlUtils.htmlEscape(q.name().split(" ")[0])).append("\"><td>")
                        .append(HtmlUtils.htmlEscape(q.name())).append("</td><td class=\"waiting\">").append(q.messages())
                        .append("</td><td>").append(q.scheduled()).append("</td><td>").append(q.delivering())
                        .append("</td><td class=\"consumers\">").append(q.consumers()).append("</td><td>")
                        .append(q.added()).append("</td><td>").append(q.acknowledged()).append("</td><td>")
                        .append(q.killed()).append("</td><td>").append(q.paused() ? "paused" : "active")
                        .append("</td></tr>");
            }
            html.append("</tbody></table><p>Dead-letter queues are shaded; one holding messages is marked. The"
                    + " dead letters' reasons are in the message store and the audit trail.</p>");
        }
        html.append("</body></html>");
        return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
                .header("X-Frame-Options", "DENY")
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8)).body(html.toString());
    }
}
