package org.harbour.routes.store;

import java.time.Instant;

/**
 * A search of the message store; null criteria are ignored.
 *
 * @param type a message type (ORU^R01) or just its code (ORU)
 * @param page zero-based page number
 * @param collision true: only control-id collisions
 */
public record MessageQuery(String controlId, String sender, String type, MessageStatus status, Instant since,
        int page, int size, Boolean collision) {

    public static final int MAX_SIZE = 500;

    public MessageQuery(String controlId, String sender, String type, MessageStatus status, Instant since, int page,
            int size) {
        this(controlId, sender, type, status, since, page, size, null);
    }

    public MessageQuery {
        if (page < 0) {
            throw new IllegalArgumentException("page must not be negative");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be between 1 and " + MAX_SIZE);
        }
    }
}
