package org.harbour.routes.records;

import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * Whether an incoming version of a record is older than the stored one, by what the source
 * itself says: first the result status (a preliminary after its final, a final after its
 * correction), then the record's own time (Observation and DiagnosticReport {@code issued}, from
 * OBR-22), then the time of the message that brought it (EVN-2, else MSH-7), compared only between
 * messages of the same sender (two senders' clocks are not comparable); and when the sender gave
 * both messages the same time (or either none), the order the hub received them in, which its
 * message ids keep ({@code MessageStore.newId}). A stale version is kept as history and never
 * replaces the current one, whatever order the messages were applied in (a message moved aside
 * for a retry and applied after later ones, a redelivery after a crash).
 */
public final class Staleness {

    /** Status precedence: higher is later in a result's life. Unknown statuses are not compared. */
    private static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("registered", 0), Map.entry("partial", 1), Map.entry("preliminary", 1), Map.entry("final", 2),
            Map.entry("amended", 3), Map.entry("corrected", 3), Map.entry("appended", 3),
            Map.entry("cancelled", 4), Map.entry("entered-in-error", 4));

    private Staleness() {
    }

    /** Where and when an incoming version comes from: the message's sender and its own time (null if unknown). */
    public record Source(String sender, Instant time) {
    }

    /**
     * Where and when the stored version came from, and the message that wrote it (any may be
     * null, for records stored before this was kept).
     */
    record Stored(Resource resource, String sender, Instant time, String messageId) {
    }

    /**
     * True when {@code incoming}, from message {@code messageId}, is older than the stored
     * version and must not become current.
     */
    static boolean stale(Resource incoming, Source source, String messageId, Stored stored) {
        int in = rank(incoming);
        int was = rank(stored.resource());
        if (in >= 0 && was >= 0 && in != was) {
            return in < was;
        }
        Instant ownIn = ownTime(incoming);
        Instant ownWas = ownTime(stored.resource());
        if (ownIn != null && ownWas != null && !ownIn.equals(ownWas)) {
            return ownIn.isBefore(ownWas);
        }
        if (source == null || source.sender() == null || !source.sender().equals(stored.sender())) {
            return false;
        }
        if (source.time() != null && stored.time() != null && !source.time().equals(stored.time())) {
            return source.time().isBefore(stored.time());
        }
        // the sender's times do not tell: the one the hub received first is the older
        return messageId != null && stored.messageId() != null && messageId.compareTo(stored.messageId()) < 0;
    }

    private static int rank(Resource resource) {
        String status = null;
        if (resource instanceof Observation o && o.hasStatus()) {
            status = o.getStatus().toCode();
        } else if (resource instanceof DiagnosticReport r && r.hasStatus()) {
            status = r.getStatus().toCode();
        }
        Integer rank = status == null ? null : RANK.get(status);
        return rank == null ? -1 : rank;
    }

    private static Instant ownTime(Resource resource) {
        Date issued = resource instanceof Observation o ? o.getIssued()
                : resource instanceof DiagnosticReport r ? r.getIssued() : null;
        return issued == null ? null : issued.toInstant();
    }
}
