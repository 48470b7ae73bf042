package org.harbour.connectors.chat;

import java.time.Duration;

/** What became of one send: the caller retries, stops the endpoint, or dead-letters on these. */
public sealed interface SendResult {

    /** The service accepted the message; {@code receipt} is what it answered (for the delivery record). */
    record Delivered(int status, String receipt) implements SendResult {
    }

    /** Not now: try again, no sooner than {@code notBefore} when the service said so (else with backoff). */
    record RetryLater(String reason, Duration notBefore) implements SendResult {
    }

    /** The endpoint itself is wrong (bad secret, unknown token, removed webhook): retrying will not help. */
    record Misconfigured(String reason) implements SendResult {
    }

    /** This message can never be taken by the service as it is. */
    record Refused(String reason) implements SendResult {
    }
}
