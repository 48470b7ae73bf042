package org.harbour.connectors.chat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A DingTalk custom robot. Each request is signed ({@code timestamp} and {@code sign} added to the
 * robot URL, which already carries {@code access_token}); the body is a markdown message whose
 * {@code msgUuid} is the message key, so a resend after a crash is not shown twice. At most 20
 * messages a minute leave per robot (a burst waits); a message over 20,000 bytes is split into
 * numbered parts. Answers: errcode 0 delivered; 310000 (signature, time or keyword), 300001 and
 * 300005 (no such token) mean the robot is misconfigured; 130101 (limited) holds every send to
 * this robot back for ten minutes.
 */
public final class DingTalkSender implements ChatSender {

    /** DingTalk's limit on one message. */
    public static final int MAX_BYTES = 20_000;
    private static final Pattern ERRCODE = Pattern.compile("\"errcode\"\\s*:\\s*(-?\\d+)");
    private static final Pattern ERRMSG = Pattern.compile("\"errmsg\"\\s*:\\s*\"([^\"]*)\"");

    private final URI robot;
    private final String secret;
    private final HttpPost http;
    private final Clock clock;
    private final RateLimiter limiter;
    private final Duration limitedFor;

    public DingTalkSender(URI robot, String secret, HttpClient client, Duration timeout, Clock clock) {
        this(robot, secret, client, timeout, clock, Duration.ofMinutes(1));
    }

    /** @param minute DingTalk's minute: 20 messages per minute, limited for ten minutes (shorter only in tests) */
    public DingTalkSender(URI robot, String secret, HttpClient client, Duration timeout, Clock clock, Duration minute) {
        this(robot, secret, client, timeout, clock, minute, RateLimiter.Sleeper.WAIT);
    }

    /** @param sleeper how the rate limit waits (a clock moved forward in tests) */
    public DingTalkSender(URI robot, String secret, HttpClient client, Duration timeout, Clock clock, Duration minute,
            RateLimiter.Sleeper sleeper) {
        this.robot = robot;
        this.secret = secret;
        this.http = new HttpPost(client, timeout);
        this.clock = clock;
        this.limiter = new RateLimiter(20, minute, clock, sleeper);
        this.limitedFor = minute.multipliedBy(10);
    }

    /** {@code URLEncode(Base64(HmacSHA256(secret, timestamp + "\n" + secret)))}, encoded once. */
    public static String sign(long timestamp, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestamp + "\n" + secret).getBytes(StandardCharsets.UTF_8));
            return URLEncoder.encode(Base64.getEncoder().encodeToString(digest), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public SendResult send(ChatMessage message) throws InterruptedException {
        List<String> bodies = bodies(message);
        SendResult last = null;
        for (String body : bodies) {
            limiter.acquire();
            last = sendOne(body);
            if (!(last instanceof SendResult.Delivered)) {
                // parts already sent keep their msgUuid: a retry does not show them twice
                return last;
            }
        }
        return last;
    }

    private SendResult sendOne(String body) throws InterruptedException {
        long timestamp = clock.millis();
        String separator = robot.getRawQuery() == null ? "?" : "&";
        URI signed = URI.create(robot + (secret == null || secret.isBlank() ? ""
                : separator + "timestamp=" + timestamp + "&sign=" + sign(timestamp, secret)));
        HttpPost.Answer answer;
        try {
            answer = http.post(signed, body, Map.of());
        } catch (IOException e) {
            return new SendResult.RetryLater("DingTalk unreachable: " + e, null);
        }
        if (answer.status() != 200) {
            return HttpPost.classify(answer, "DingTalk");
        }
        Matcher code = ERRCODE.matcher(answer.body());
        if (!code.find()) {
            return new SendResult.RetryLater("DingTalk answered without an errcode: " + answer.body(), null);
        }
        int errcode = Integer.parseInt(code.group(1));
        Matcher msg = ERRMSG.matcher(answer.body());
        String reason = "DingTalk errcode " + errcode + (msg.find() ? " " + msg.group(1) : "");
        return switch (errcode) {
            case 0 -> new SendResult.Delivered(200, answer.body());
            case 310000, 300001, 300005 -> new SendResult.Misconfigured(reason);
            case 130101 -> {
                limiter.pauseUntil(clock.instant().plus(limitedFor));
                yield new SendResult.RetryLater(reason, limitedFor);
            }
            case 460101 -> new SendResult.Refused(reason);
            default -> new SendResult.RetryLater(reason, null);
        };
    }

    /** The request bodies: one, or numbered parts when the message is over the limit. */
    List<String> bodies(ChatMessage message) {
        String whole = body(message);
        if (whole.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return List.of(whole);
        }
        List<List<String>> parts = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int budget = MAX_BYTES - 2_000;
        int used = 0;
        for (String line : message.lines()) {
            for (String piece : pieces(line, budget / 2)) {
                int size = piece.getBytes(StandardCharsets.UTF_8).length * 2 + 8;
                if (used + size > budget && !current.isEmpty()) {
                    parts.add(current);
                    current = new ArrayList<>();
                    used = 0;
                }
                current.add(piece);
                used += size;
            }
        }
        parts.add(current);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            String title = message.title() + " (" + (i + 1) + "/" + parts.size() + ")";
            out.add(body(message.withLines(message.key() + "-" + (i + 1), title, parts.get(i))));
        }
        return out;
    }

    /** A line cut into pieces of at most {@code maxBytes} UTF-8 bytes, never inside a character. */
    private static List<String> pieces(String line, int maxBytes) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int bytes = 0;
        for (int i = 0; i < line.length(); ) {
            int cp = line.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > maxBytes) {
                out.add(line.substring(start, i));
                start = i;
                bytes = 0;
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        out.add(line.substring(start));
        return out;
    }

    private static String body(ChatMessage m) {
        StringBuilder text = new StringBuilder();
        text.append("### ").append(m.urgent() ? "🔴 URGENT " : "").append(m.title()).append("\n\n");
        for (String line : m.lines()) {
            text.append("- ").append(line).append("\n");
        }
        if (m.link() != null) {
            text.append("\n[Open record](").append(m.link()).append(")\n");
        }
        if (m.urgent()) {
            for (String mention : m.mentions()) {
                text.append(" @").append(mention);
            }
            text.append('\n');
        }
        text.append("\n> ").append(m.watermark()).append('\n');
        return "{\"msgtype\":\"markdown\",\"markdown\":{\"title\":" + Json.quote(m.title()) + ",\"text\":"
                + Json.quote(text.toString()) + "},\"at\":{\"atMobiles\":" + Json.array(m.urgent() ? m.mentions()
                : List.of()) + ",\"isAtAll\":false},\"msgUuid\":" + Json.quote(m.key()) + "}";
    }
}
