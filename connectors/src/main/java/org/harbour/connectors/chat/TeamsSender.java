package org.harbour.connectors.chat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Microsoft Teams Workflows webhook ("post to a channel when a webhook request is received"):
 * the message as an Adaptive Card 1.4 attachment, urgent ones in the attention colour, the
 * record link as an Open URL action. A card stays under Teams' 28 KB by shortening the lines.
 * 200/202 delivered; 429 waits; 401, 403 and 404 mean the workflow URL is wrong or gone.
 */
public final class TeamsSender implements ChatSender {

    static final int MAX_BYTES = 26_000;

    private final URI webhook;
    private final HttpPost http;

    public TeamsSender(URI webhook, HttpClient client, Duration timeout) {
        this.webhook = webhook;
        this.http = new HttpPost(client, timeout);
    }

    @Override
    public SendResult send(ChatMessage message) throws InterruptedException {
        try {
            return HttpPost.classify(http.post(webhook, body(message), Map.of()), "Teams");
        } catch (IOException e) {
            return new SendResult.RetryLater("Teams unreachable: " + e, null);
        }
    }

    static String body(ChatMessage m) {
        List<String> lines = new ArrayList<>(m.lines());
        String body = card(m, lines, false);
        while (body.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES && !lines.isEmpty()) {
            lines.remove(lines.size() - 1);
            body = card(m, lines, true);
        }
        return body;
    }

    private static String card(ChatMessage m, List<String> lines, boolean shortened) {
        StringBuilder items = new StringBuilder();
        items.append(text((m.urgent() ? "URGENT: " : "") + m.title(), ",\"weight\":\"Bolder\",\"size\":\"Medium\""
                + (m.urgent() ? ",\"color\":\"Attention\"" : "")));
        for (String line : lines) {
            items.append(',').append(text(line, ""));
        }
        if (shortened) {
            items.append(',').append(text("(shortened: open the record for the rest)", ",\"isSubtle\":true"));
        }
        items.append(',').append(text(m.watermark(), ",\"isSubtle\":true,\"size\":\"Small\""));
        String actions = m.link() == null ? "" : ",\"actions\":[{\"type\":\"Action.OpenUrl\",\"title\":\"Open record\","
                + "\"url\":" + Json.quote(m.link()) + "}]";
        return "{\"type\":\"message\",\"attachments\":[{\"contentType\":\"application/vnd.microsoft.card.adaptive\","
                + "\"contentUrl\":null,\"content\":{\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\","
                + "\"type\":\"AdaptiveCard\",\"version\":\"1.4\",\"body\":[" + items + "]" + actions + "}}]}";
    }

    private static String text(String text, String style) {
        return "{\"type\":\"TextBlock\",\"text\":" + Json.quote(text) + ",\"wrap\":true" + style + "}";
    }
}
