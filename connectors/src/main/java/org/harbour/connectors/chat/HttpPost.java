package org.harbour.connectors.chat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A JSON POST with a timeout; the answer's status, body and Retry-After. */
final class HttpPost {

    record Answer(int status, String body, Optional<Duration> retryAfter) {
    }

    private final HttpClient http;
    private final Duration timeout;

    HttpPost(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    Answer post(URI uri, String json, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Optional<Duration> retryAfter = response.headers().firstValue("Retry-After").flatMap(HttpPost::seconds);
        String body = response.body() == null ? "" : response.body();
        return new Answer(response.statusCode(), body.length() > 500 ? body.substring(0, 500) : body, retryAfter);
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The usual reading of an HTTP answer for services without their own error codes. */
    static SendResult classify(Answer answer, String service) {
        int s = answer.status();
        if (s >= 200 && s < 300) {
            return new SendResult.Delivered(s, answer.body());
        }
        String reason = service + " answered HTTP " + s + (answer.body().isBlank() ? "" : ": " + answer.body());
        if (s == 408 || s == 425 || s == 429 || s >= 500) {
            return new SendResult.RetryLater(reason, answer.retryAfter().orElse(null));
        }
        if (s == 401 || s == 403 || s == 404 || s == 410) {
            return new SendResult.Misconfigured(reason);
        }
        return new SendResult.Refused(reason);
    }
}
