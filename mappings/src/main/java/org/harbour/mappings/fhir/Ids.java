package org.harbour.mappings.fhir;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic resource ids: name-based UUIDs of the source (sending facility and application),
 * the message control id and the position of what a resource came from. A replayed message yields the same ids, so it updates
 * the resources it created instead of duplicating them.
 *
 * <p>Records the sender names by a business key of its own (an order number, an order number
 * with a test code, a visit number, a practitioner's identifier) get a stable id instead: the
 * source and that key, without the control id. The same result sent again under another
 * control id is then the same resource (unchanged, so not stored or forwarded again), and a
 * correction replaces the earlier version instead of standing beside it.
 */
final class Ids {

    private final String prefix;
    private final String stablePrefix;

    /**
     * @param source who keys the records (sending facility, or application without one)
     * @param application MSH-3: two applications of one facility number their messages apart
     * @param messageKey MSH-10, with the store's variant for a control-id collision (a second
     *     message under a control id already used, with other content: its own ids)
     */
    Ids(String source, String application, String messageKey) {
        this.prefix = "harbour|" + source + "|" + application + "|" + messageKey + "|";
        this.stablePrefix = "harbour-record|" + source + "|";
    }

    /** The id of a record the sender keys itself: the same in every message from this source. */
    String stable(String key) {
        return UUID.nameUUIDFromBytes((stablePrefix + key).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The id for a resource made from a position (segment index, field, kind). */
    String id(String position) {
        return UUID.nameUUIDFromBytes((prefix + position).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
