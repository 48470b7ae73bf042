package org.harbour.connectors.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each sender against a local server that keeps its service's contract: DingTalk's signature,
 * time window, errcodes and rate limit; Slack's and Teams' payloads; the webhook's signature.
 */
class ChatSendersTest {

    private static final String SECRET = "SECexample0123456789";
    private final HttpClient client = HttpClient.newHttpClient();
    private final Clock clock = Clock.systemUTC();

    private static ChatMessage message(String key, boolean urgent, String... lines) {
        return new ChatMessage(key, "化驗結果 Lab result", List.of(lines), "https://harbour.example/fhir/Observation/o1",
                "Sent to dr-chan at 2026-11-22 09:30 +08:00", urgent, List.of("85291234567"));
    }

    @Test
    void dingTalkSignatureMatchesTheContractTestVector() {
        assertThat(DingTalkSender.sign(1700000000000L, SECRET)).isEqualTo("figG6qqCA%2FlRh0hsGCW2zNtNV5znkAFut5BI0zKhqnQ%3D");
    }

    @Test
    void dingTalkDeliversSignedMarkdownOnceAndMentionsOnUrgentResults() throws Exception {
        try (DingTalkRobotServer robot = new DingTalkRobotServer("tok-1", SECRET, clock)) {
            DingTalkSender sender = new DingTalkSender(robot.url(), SECRET, client, Duration.ofSeconds(5), clock);
            assertThat(sender.send(message("k-1", true, "HbA1c 8.1 % (H)", "陳 T. M."))).isInstanceOf(SendResult.Delivered.class);
            // the same key again (a resend after a crash) is accepted but shown once
            assertThat(sender.send(message("k-1", true, "HbA1c 8.1 % (H)"))).isInstanceOf(SendResult.Delivered.class);
            assertThat(robot.shown()).hasSize(1);
            DingTalkRobotServer.Shown shown = robot.shown().get(0);
            assertThat(shown.text()).contains("URGENT", "HbA1c 8.1 % (H)", "陳 T. M.", "@85291234567",
                    "[Open record](https://harbour.example/fhir/Observation/o1)", "Sent to dr-chan");
            assertThat(shown.atMobiles()).containsExactly("85291234567");
            assertThat(robot.answered()).containsOnly(0);
        }
    }

    @Test
    void dingTalkSignatureMismatchMeansMisconfiguredAndUnknownTokenToo() throws Exception {
        try (DingTalkRobotServer robot = new DingTalkRobotServer("tok-1", SECRET, clock)) {
            SendResult wrongSecret = new DingTalkSender(robot.url(), "SECwrong", client, Duration.ofSeconds(5), clock)
                    .send(message("k-2", false, "x"));
            assertThat(wrongSecret).isInstanceOfSatisfying(SendResult.Misconfigured.class,
                    m -> assertThat(m.reason()).contains("310000"));
            Clock anHourAgo = Clock.offset(clock, Duration.ofMinutes(-61));
            assertThat(new DingTalkSender(robot.url(), SECRET, client, Duration.ofSeconds(5), anHourAgo)
                    .send(message("k-3", false, "x"))).isInstanceOf(SendResult.Misconfigured.class);
            assertThat(new DingTalkSender(robot.urlWithToken("gone"), SECRET, client, Duration.ofSeconds(5), clock)
                    .send(message("k-4", false, "x"))).isInstanceOfSatisfying(SendResult.Misconfigured.class,
                            m -> assertThat(m.reason()).contains("300001"));
            assertThat(robot.shown()).isEmpty();
        }
    }

    /**
     * A clock that moves only when the rate limiter sleeps: the sender's waits and the robot's
     * minute run on it, so these tests take DingTalk's real minutes without waiting for them.
     */
    private static final class VirtualClock extends Clock {
        private final java.util.concurrent.atomic.AtomicReference<Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(Instant.now());

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        RateLimiter.Sleeper sleeper() {
            return (monitor, delay) -> now.updateAndGet(t -> t.plus(delay));
        }
    }

    @Test
    void dingTalkQueuesBurstsUnderTwentyAMinuteAndNeverHitsTheLimit() throws Exception {
        Duration minute = Duration.ofMinutes(1);
        VirtualClock virtual = new VirtualClock();
        try (DingTalkRobotServer robot = new DingTalkRobotServer("tok-1", SECRET, virtual, minute)) {
            DingTalkSender sender = new DingTalkSender(robot.url(), SECRET, client, Duration.ofSeconds(5), virtual, minute,
                    virtual.sleeper());
            Instant start = virtual.instant();
            for (int i = 0; i < 45; i++) {
                assertThat(sender.send(message("burst-" + i, false, "result " + i))).isInstanceOf(SendResult.Delivered.class);
            }
            assertThat(robot.shown()).hasSize(45);
            assertThat(robot.answered()).containsOnly(0);
            // 45 messages at 20 a minute: the last 5 went out in the third minute, none was refused
            assertThat(Duration.between(start, virtual.instant())).isGreaterThanOrEqualTo(minute.multipliedBy(2))
                    .isLessThan(minute.multipliedBy(3));
        }
    }

    @Test
    void dingTalkLimitedRobotHoldsSendsBackForTenMinutes() throws Exception {
        Duration minute = Duration.ofMinutes(1);
        VirtualClock virtual = new VirtualClock();
        try (DingTalkRobotServer robot = new DingTalkRobotServer("tok-1", SECRET, virtual, minute)) {
            DingTalkSender sender = new DingTalkSender(robot.url(), SECRET, client, Duration.ofSeconds(5), virtual, minute,
                    virtual.sleeper());
            robot.limitNow();
            SendResult limited = sender.send(message("k-5", false, "x"));
            assertThat(limited).isInstanceOfSatisfying(SendResult.RetryLater.class,
                    r -> assertThat(r.notBefore()).isEqualTo(minute.multipliedBy(10)));
            Instant retried = virtual.instant();
            assertThat(sender.send(message("k-5", false, "x"))).isInstanceOf(SendResult.Delivered.class);
            // the second attempt waited out the ten minutes instead of hammering the robot
            assertThat(Duration.between(retried, virtual.instant())).isEqualTo(minute.multipliedBy(10));
            assertThat(robot.requests()).isEqualTo(2);
        }
    }

    @Test
    void dingTalkSplitsAMessageOverTwentyThousandBytesIntoNumberedParts() throws Exception {
        try (DingTalkRobotServer robot = new DingTalkRobotServer("tok-1", SECRET, clock)) {
            DingTalkSender sender = new DingTalkSender(robot.url(), SECRET, client, Duration.ofSeconds(5), clock);
            List<String> lines = new ArrayList<>(Collections.nCopies(400, "報告內容 report line with some text 0123456789"));
            lines.add("尾".repeat(9000));
            assertThat(sender.send(message("long", false, lines.toArray(String[]::new))))
                    .isInstanceOf(SendResult.Delivered.class);
            assertThat(robot.answered()).containsOnly(0);
            assertThat(robot.shown().size()).isGreaterThan(1);
            assertThat(robot.shown().get(0).title()).endsWith("(1/" + robot.shown().size() + ")");
            assertThat(robot.shown()).allSatisfy(s -> assertThat(s.msgUuid()).startsWith("long-"));
            long tails = robot.shown().stream().mapToLong(s -> s.text().chars().filter(c -> c == '尾').count()).sum();
            assertThat(tails).isEqualTo(9000);
        }
    }

    @Test
    void dingTalkOutageIsRetriedLater() throws Exception {
        try (DingTalkRobotServer robot = new DingTalkRobotServer("tok-1", SECRET, clock)) {
            robot.down(true);
            DingTalkSender sender = new DingTalkSender(robot.url(), SECRET, client, Duration.ofSeconds(5), clock);
            assertThat(sender.send(message("k-6", false, "x"))).isInstanceOf(SendResult.RetryLater.class);
        }
    }

    @Test
    void slackGetsMrkdwnBlocksAndAnswersAreClassified() throws Exception {
        try (WebhookServer slack = new WebhookServer(body -> body.contains("\"blocks\":[") && body.startsWith("{\"text\":")
                ? null : "invalid_payload", "ok")) {
            SlackSender sender = new SlackSender(slack.url("/services/T1/B1/x"), client, Duration.ofSeconds(5));
            assertThat(sender.send(message("s-1", true, "K 6.8 mmol/L <HH>"))).isInstanceOf(SendResult.Delivered.class);
            assertThat(slack.accepted().get(0).body()).contains(":red_circle: *URGENT*", "K 6.8 mmol/L &lt;HH&gt;",
                    "<https://harbour.example/fhir/Observation/o1|Open record>", "Sent to dr-chan");
            slack.answer(404, null);
            assertThat(sender.send(message("s-2", false, "x"))).isInstanceOf(SendResult.Misconfigured.class);
            slack.answer(429, "30");
            assertThat(sender.send(message("s-3", false, "x"))).isInstanceOfSatisfying(SendResult.RetryLater.class,
                    r -> assertThat(r.notBefore()).isEqualTo(Duration.ofSeconds(30)));
            slack.answer(503, null);
            assertThat(sender.send(message("s-4", false, "x"))).isInstanceOf(SendResult.RetryLater.class);
        }
    }

    @Test
    void teamsGetsAnAdaptiveCardWithinItsSizeLimit() throws Exception {
        try (WebhookServer teams = new WebhookServer(body -> body.contains("application/vnd.microsoft.card.adaptive")
                && body.contains("\"type\":\"AdaptiveCard\"") && body.getBytes(StandardCharsets.UTF_8).length < 28_000
                ? null : "bad card", "")) {
            TeamsSender sender = new TeamsSender(teams.url("/workflows/abc"), client, Duration.ofSeconds(5));
            assertThat(sender.send(message("t-1", true, "肌酸酐 Creatinine 900 umol/L (HH)")))
                    .isInstanceOf(SendResult.Delivered.class);
            assertThat(teams.accepted().get(0).body()).contains("\"color\":\"Attention\"", "肌酸酐",
                    "\"type\":\"Action.OpenUrl\"");
            List<String> many = new ArrayList<>(Collections.nCopies(2000, "一行很長的報告內容 a long report line"));
            assertThat(sender.send(message("t-2", false, many.toArray(String[]::new)))).isInstanceOf(SendResult.Delivered.class);
            assertThat(teams.accepted().get(1).body()).contains("(shortened: open the record for the rest)");
        }
    }

    @Test
    void webhookBodyIsSignedOverTimestampAndBody() throws Exception {
        try (WebhookServer receiver = new WebhookServer(body -> null, "")) {
            WebhookSender sender = new WebhookSender(receiver.url("/hooks/harbour"), "whsec-test-0123", client,
                    Duration.ofSeconds(5), clock);
            assertThat(sender.send(message("w-1", false, "Na 140 mmol/L"))).isInstanceOf(SendResult.Delivered.class);
            WebhookServer.Request request = receiver.accepted().get(0);
            String timestamp = request.header(WebhookSender.TIMESTAMP);
            assertThat(request.header(WebhookSender.SIGNATURE)).isEqualTo(WebhookSender.signature(
                    "whsec-test-0123".getBytes(StandardCharsets.UTF_8), timestamp, request.body()));
            assertThat(request.header(WebhookSender.SIGNATURE)).isNotEqualTo(WebhookSender.signature(
                    "other".getBytes(StandardCharsets.UTF_8), timestamp, request.body()));
            assertThat(request.header(WebhookSender.DELIVERY)).isEqualTo("w-1");
            assertThat(request.body()).contains("\"id\":\"w-1\"", "\"lines\":[\"Na 140 mmol/L\"]", "化驗結果");
            receiver.answer(400, null);
            assertThat(sender.send(message("w-2", false, "x"))).isInstanceOf(SendResult.Refused.class);
            receiver.answer(410, null);
            assertThat(sender.send(message("w-3", false, "x"))).isInstanceOf(SendResult.Misconfigured.class);
        }
    }
}
