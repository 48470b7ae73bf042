package org.harbour.connectors.chat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local server that behaves as DingTalk's custom robot endpoint ({@code /robot/send}) for one
 * robot: it checks the access token (300001), the timestamp window of one hour and the signature
 * (310000), the 20,000-byte limit (460101) and the limit of 20 messages a minute (130101, then
 * the robot is blocked for ten minutes), and shows each {@code msgUuid} once.
 */
public final class DingTalkRobotServer implements AutoCloseable {

    /** A message the robot showed in the group. */
    public record Shown(String msgUuid, String title, String text, List<String> atMobiles, Instant at) {
    }

    private static final Pattern MSG_UUID = Pattern.compile("\"msgUuid\":\"([^\"]*)\"");
    private static final Pattern MOBILES = Pattern.compile("\"atMobiles\":\\[([^\\]]*)\\]");

    private final HttpServer server;
    private final String token;
    private final String secret;
    private final Clock clock;
    private final List<Shown> shown = new CopyOnWriteArrayList<>();
    private final Set<String> seen = new LinkedHashSet<>();
    private final ArrayDeque<Instant> minute = new ArrayDeque<>();
    private final List<Integer> answered = new CopyOnWriteArrayList<>();
    private volatile Instant blockedUntil = Instant.MIN;
    private volatile boolean down;
    private volatile int requests;

    private final Duration minuteLength;

    public DingTalkRobotServer(String token, String secret, Clock clock) throws IOException {
        this(token, secret, clock, Duration.ofMinutes(1));
    }

    /** @param minute the length of DingTalk's minute here (shorter in tests); blocked for ten of them */
    public DingTalkRobotServer(String token, String secret, Clock clock, Duration minute) throws IOException {
        this.token = token;
        this.secret = secret;
        this.clock = clock;
        this.minuteLength = minute;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/robot/send", this::handle);
        server.start();
    }

    /** The robot's webhook URL as DingTalk shows it (access token included). */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/robot/send?access_token=" + token);
    }

    /** The same robot with another token, as after a robot was deleted and recreated. */
    public URI urlWithToken(String otherToken) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/robot/send?access_token=" + otherToken);
    }

    public List<Shown> shown() {
        return List.copyOf(shown);
    }

    /** Every errcode answered, in order (0 included). */
    public List<Integer> answered() {
        return List.copyOf(answered);
    }

    public int requests() {
        return requests;
    }

    /** Blocks the robot now, as DingTalk does after too many messages: 130101 for ten minutes. */
    public synchronized void limitNow() {
        blockedUntil = clock.instant().plus(minuteLength.multipliedBy(10));
    }

    /** While down, every request gets HTTP 503 (an outage). */
    public void down(boolean isDown) {
        this.down = isDown;
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        requests++;
        byte[] raw = exchange.getRequestBody().readAllBytes();
        if (down) {
            reply(exchange, 503, "{\"errcode\":-1,\"errmsg\":\"service unavailable\"}");
            return;
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Instant now = clock.instant();
        int errcode = check(query, raw, now);
        answered.add(errcode);
        if (errcode == 0) {
            String body = new String(raw, StandardCharsets.UTF_8);
            String uuid = group(MSG_UUID, body);
            if (uuid == null || seen.add(uuid)) {
                String mobiles = group(MOBILES, body);
                shown.add(new Shown(uuid, unescape(stringField(body, "title")), unescape(stringField(body, "text")),
                        mobiles == null || mobiles.isBlank() ? List.of()
                                : List.of(mobiles.replace("\"", "").split(",")), now));
            }
        }
        reply(exchange, 200, "{\"errcode\":" + errcode + ",\"errmsg\":\"" + (errcode == 0 ? "ok" : "error " + errcode)
                + "\"}");
    }

    private int check(Map<String, String> query, byte[] raw, Instant now) {
        if (!token.equals(query.get("access_token"))) {
            return 300001;
        }
        String timestamp = query.get("timestamp");
        String sign = query.get("sign");
        if (timestamp == null || sign == null || !timestamp.matches("\\d{13}")) {
            return 310000;
        }
        long at = Long.parseLong(timestamp);
        if (Math.abs(now.toEpochMilli() - at) > Duration.ofHours(1).toMillis()) {
            return 310000;
        }
        String expected = URLDecoder.decode(DingTalkSender.sign(at, secret), StandardCharsets.UTF_8);
        if (!expected.equals(sign)) {
            return 310000;
        }
        if (raw.length > DingTalkSender.MAX_BYTES) {
            return 460101;
        }
        if (now.isBefore(blockedUntil)) {
            return 130101;
        }
        while (!minute.isEmpty() && !minute.peekFirst().plus(minuteLength).isAfter(now)) {
            minute.pollFirst();
        }
        if (minute.size() >= 20) {
            blockedUntil = now.plus(minuteLength.multipliedBy(10));
            return 130101;
        }
        minute.addLast(now);
        return 0;
    }

    /** Query parameters, each decoded once (as DingTalk decodes {@code sign}). */
    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** The raw (still escaped) value of the first string field with this name. */
    private static String stringField(String json, String name) {
        int start = json.indexOf("\"" + name + "\":\"");
        if (start < 0) {
            return null;
        }
        start += name.length() + 4;
        int i = start;
        while (i < json.length() && json.charAt(i) != '"') {
            i += json.charAt(i) == '\\' ? 2 : 1;
        }
        return json.substring(start, Math.min(i, json.length()));
    }

    private static String unescape(String json) {
        if (json == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\' && i + 1 < json.length()) {
                char n = json.charAt(++i);
                switch (n) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> out.append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
