package org.harbour.connectors.chat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Slack incoming webhook: the message as mrkdwn section blocks (each under Slack's 3,000
 * characters), with a plain-text fallback. 200 "ok" is delivered; 429 waits for Retry-After;
 * 403, 404 and 410 (invalid token, no such channel, channel archived) mean the webhook is
 * misconfigured.
 */
public final class SlackSender implements ChatSender {

    static final int SECTION_CHARS = 2_900;
    private static final int MAX_BLOCKS = 48;

    private final URI webhook;
    private final HttpPost http;

    public SlackSender(URI webhook, HttpClient client, Duration timeout) {
        this.webhook = webhook;
        this.http = new HttpPost(client, timeout);
    }

    @Override
    public SendResult send(ChatMessage message) throws InterruptedException {
        try {
            return HttpPost.classify(http.post(webhook, body(message), Map.of()), "Slack");
        } catch (IOException e) {
            return new SendResult.RetryLater("Slack unreachable: " + e, null);
        }
    }

    static String body(ChatMessage m) {
        List<String> sections = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : m.lines()) {
            String text = "• " + escape(line) + "\n";
            if (current.length() + text.length() > SECTION_CHARS && current.length() > 0) {
                sections.add(current.toString());
                current.setLength(0);
            }
            current.append(text.length() > SECTION_CHARS ? text.substring(0, SECTION_CHARS - 12) + " (shortened)\n" : text);
        }
        if (current.length() > 0) {
            sections.add(current.toString());
        }
        StringBuilder blocks = new StringBuilder("[");
        blocks.append(section((m.urgent() ? ":red_circle: *URGENT* " : "") + "*" + escape(m.title()) + "*"));
        int shown = Math.min(sections.size(), MAX_BLOCKS - 3);
        for (int i = 0; i < shown; i++) {
            blocks.append(',').append(section(sections.get(i)));
        }
        if (shown < sections.size()) {
            blocks.append(',').append(section("_(" + (sections.size() - shown) + " more parts shortened; open the record)_"));
        }
        if (m.link() != null) {
            blocks.append(',').append(section("<" + m.link() + "|Open record>"));
        }
        blocks.append(",{\"type\":\"context\",\"elements\":[{\"type\":\"mrkdwn\",\"text\":").append(Json.quote(
                escape(m.watermark()))).append("}]}]");
        return "{\"text\":" + Json.quote((m.urgent() ? "URGENT " : "") + m.title()) + ",\"blocks\":" + blocks + "}";
    }

    private static String section(String mrkdwn) {
        return "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":" + Json.quote(mrkdwn) + "}}";
    }

    /** Slack's three control characters in text. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
