package org.harbour.routes.disclose;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * One notification waiting on a recipient's queue: which records of which patient, from which
 * message. The id is derived from message and recipient, so the same message resent or
 * redelivered is the same delivery (sent once, and the idempotency key at DingTalk).
 */
public record OutboundDelivery(String id, String messageId, String recipient, String patientId, List<String> records) {

    public OutboundDelivery {
        records = List.copyOf(records);
    }

    public static String idFor(String messageId, String recipient) {
        return UUID.nameUUIDFromBytes(("delivery|" + messageId + "|" + recipient).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
