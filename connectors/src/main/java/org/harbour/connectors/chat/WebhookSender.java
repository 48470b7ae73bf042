package org.harbour.connectors.chat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook: the message as JSON, signed so the receiver can check it came from the hub
 * and was not replayed. Headers: {@code X-Harbour-Delivery} (the message key, the same on every
 * retry), {@code X-Harbour-Timestamp} (milliseconds since the epoch) and
 * {@code X-Harbour-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>}, the body
 * taken as the exact bytes received. 2xx delivered; 408, 429 and 5xx retried (Retry-After
 * honoured); 401, 403, 404 and 410 misconfigured; other 4xx refused.
 */
public final class WebhookSender implements ChatSender {

    public static final String DELIVERY = "X-Harbour-Delivery";
    public static final String TIMESTAMP = "X-Harbour-Timestamp";
    public static final String SIGNATURE = "X-Harbour-Signature";

    private final URI url;
    private final byte[] secret;
    private final HttpPost http;
    private final Clock clock;

    public WebhookSender(URI url, String secret, HttpClient client, Duration timeout, Clock clock) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("a webhook endpoint needs a secret to sign with");
        }
        this.url = url;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.http = new HttpPost(client, timeout);
        this.clock = clock;
    }

    /** The signature header's value for a timestamp and body: what a receiver recomputes. */
    public static String signature(byte[] secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public SendResult send(ChatMessage message) throws InterruptedException {
        String timestamp = Long.toString(clock.millis());
        String body = body(message, timestamp);
        try {
            return HttpPost.classify(http.post(url, body, Map.of(DELIVERY, message.key(), TIMESTAMP, timestamp,
                    SIGNATURE, signature(secret, timestamp, body))), "webhook");
        } catch (IOException e) {
            return new SendResult.RetryLater("webhook unreachable: " + e, null);
        }
    }

    static String body(ChatMessage m, String timestamp) {
        return "{\"id\":" + Json.quote(m.key()) + ",\"sentAt\":" + timestamp + ",\"urgent\":" + m.urgent()
                + ",\"title\":" + Json.quote(m.title()) + ",\"lines\":" + Json.array(m.lines()) + ",\"link\":"
                + Json.quote(m.link()) + ",\"watermark\":" + Json.quote(m.watermark()) + "}";
    }
}
