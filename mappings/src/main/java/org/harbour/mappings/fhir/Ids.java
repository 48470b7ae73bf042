package org.harbour.mappings.fhir;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic resource ids: name-based UUIDs of the source, the message control id and the
 * position of what a resource came from. A replayed message yields the same ids, so it updates
 * the resources it created instead of duplicating them.
 */
final class Ids {

    private final String prefix;

    Ids(String source, String controlId) {
        this.prefix = "harbour|" + source + "|" + controlId + "|";
    }

    /** The id for a resource made from a position (segment index, field, kind). */
    String id(String position) {
        return UUID.nameUUIDFromBytes((prefix + position).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
