package org.harbour.routes.api;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.LinkedHashMap;
import org.harbour.connectors.mllp.MllpHeaders;
import org.harbour.routes.Headers;
import org.harbour.routes.RouteIds;
import org.harbour.routes.ingest.InboundQueueWriter;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.config.HarbourProperties;
import org.harbour.routes.security.Principals;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.PostMapping;
import org.harbour.routes.records.RecordCipher;
import org.harbour.routes.store.MessageQuery;
import org.harbour.routes.store.MessageStatus;
import org.harbour.routes.store.MessageStore;
import org.harbour.routes.store.StoredMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The message store for operators: search, details, the original bytes (audited), and replay (audited). */
@RestController
@RequestMapping("/api/messages")
public class MessageController {

    private static final MediaType HL7_V2 = new MediaType("application", "hl7-v2");

    private final MessageStore store;
    private final ZoneId zone;
    private final RecordCipher cipher;
    private final AuditTrail audit;
    private final InboundQueueWriter inbound;

    public MessageController(MessageStore store, HarbourProperties properties, RecordCipher cipher, AuditTrail audit,
            InboundQueueWriter inbound) {
        this.store = store;
        this.zone = properties.timezone();
        this.cipher = cipher;
        this.audit = audit;
        this.inbound = inbound;
    }

    /** Every read and search of the message store (content or metadata) is audited like a record read. */
    private void audited(String what, boolean found) {
        audited("read", what, found);
    }

    private void audited(String interaction, String what, boolean found) {
        try {
            audit.record(AuditEvents.recordAccessed(Principals.describe(SecurityContextHolder.getContext()
                    .getAuthentication()), interaction, what, null, found));
        } catch (Exception e) {
            throw new IllegalStateException("the access could not be audited, so it is refused; try again", e);
        }
    }

    /**
     * Sends an accepted message through the stages again (after a fix to a code table, say), with
     * its original id, so the store keeps one copy and translation updates the same resources.
     * Rejected messages cannot be replayed: the sender fixes and resends them. Audited.
     */
    @PostMapping(path = "/{id}/replay", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> replay(@PathVariable String id) throws Exception {
        StoredMessage message = store.get(id).orElse(null);
        if (message == null) {
            return ErrorAnswers.answer(HttpStatus.NOT_FOUND, "no message " + id);
        }
        if (message.status() == MessageStatus.REJECTED) {
            return ErrorAnswers.answer(HttpStatus.CONFLICT,
                    "a rejected message cannot be replayed; the sender must correct and resend it");
        }
        byte[] raw = store.raw(id).orElseThrow();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(Headers.MESSAGE_ID, message.id());
        properties.put(Headers.CONTROL_ID, message.controlId());
        properties.put(Headers.SENDER, message.sender());
        properties.put(Headers.SENDING_APPLICATION, message.sendingApplication());
        if (message.resendKey() != null) {
            properties.put(Headers.RESEND_KEY, message.resendKey());
        }
        properties.put(Headers.MESSAGE_TYPE, message.messageType());
        properties.put(Headers.HL7_VERSION, message.hl7Version());
        properties.put(Headers.CHARSET, message.charset());
        properties.put(MllpHeaders.RECEIVED_AT, message.receivedAt().toString());
        properties.put(MllpHeaders.REMOTE_ADDRESS, message.remoteAddress());
        properties.put(MllpHeaders.LISTENER, message.listener());
        inbound.write(raw, properties);
        audit.record(AuditEvents.adminAction(Principals.describe(SecurityContextHolder.getContext().getAuthentication()),
                "replay", "message " + id + " (controlId " + message.controlId() + ") replayed to "
                        + RouteIds.INBOUND_QUEUE, true));
        return ResponseEntity.accepted().body(Map.<String, Object>of("id", id, "status", "replayed"));
    }

    /**
     * The conversion report of a translated message: a summary (stage, translation outcome,
     * resources, how many errors, warnings and notes), then one line per unmapped field or segment
     * and per warning, so a clean message answers a report with its counts, not an empty body.
     * As JSON ({@code Accept: application/json}) the same with the entries as objects. It may
     * quote message content, like the raw bytes. 404 for a message not (yet) translated.
     */
    @GetMapping(path = "/{id}/report", produces = {MediaType.TEXT_PLAIN_VALUE, MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<?> report(@PathVariable String id,
            @org.springframework.web.bind.annotation.RequestHeader(value = "Accept", required = false) String accept) {
        StoredMessage message = store.get(id).orElse(null);
        audited("Message/" + id + "/report", message != null);
        byte[] sealed = message == null ? null : store.report(id).orElse(null);
        if (sealed == null) {
            return ErrorAnswers.answer(HttpStatus.NOT_FOUND, message == null ? "no message " + id
                    : "message " + id + " has no conversion report: it is at stage " + message.stage());
        }
        String text = new String(cipher.decrypt(sealed, "message-report/" + id), StandardCharsets.UTF_8);
        ConversionSummary summary = ConversionSummary.of(message, text);
        if (accept != null && MediaType.parseMediaTypes(accept).stream()
                .anyMatch(t -> t.isCompatibleWith(MediaType.APPLICATION_JSON) && !t.isWildcardType())) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(summary);
        }
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
                .body(summary.asText());
    }

    /** One page of messages. */
    public record MessagePage(List<StoredMessage> items, int page, int size, long total) {
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    public MessagePage search(@RequestParam(required = false) String controlId,
            @RequestParam(required = false) String sender, @RequestParam(required = false) String type,
            @RequestParam(required = false) String status, @RequestParam(required = false) String since,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size,
            @RequestParam(required = false) Boolean collision) {
        MessageQuery query = new MessageQuery(blankToNull(controlId), blankToNull(sender), blankToNull(type),
                status(status), since(since), page, size, collision);
        MessagePage found = new MessagePage(store.find(query), page, size, store.count(query));
        audited("search-type", "Message?" + searched(query), found.total() > 0);
        return found;
    }

    /** The search as the audit trail keeps it: envelope fields only (control id, sender, type, status, time). */
    private static String searched(MessageQuery q) {
        List<String> parts = new java.util.ArrayList<>();
        if (q.controlId() != null) {
            parts.add("controlId=" + q.controlId());
        }
        if (q.sender() != null) {
            parts.add("sender=" + q.sender());
        }
        if (q.type() != null) {
            parts.add("type=" + q.type());
        }
        if (q.status() != null) {
            parts.add("status=" + q.status());
        }
        if (q.since() != null) {
            parts.add("since=" + q.since());
        }
        if (Boolean.TRUE.equals(q.collision())) {
            parts.add("collision=true");
        }
        parts.add("page=" + q.page());
        parts.add("size=" + q.size());
        return String.join("&", parts);
    }

    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<StoredMessage> get(@PathVariable String id) {
        var found = store.get(id);
        audited("Message/" + id, found.isPresent());
        return ResponseEntity.of(found);
    }

    /** The bytes exactly as received; the charset parameter is what MSH-18 declared. */
    @GetMapping("/{id}/raw")
    public ResponseEntity<byte[]> raw(@PathVariable String id) {
        audited("Message/" + id + "/raw", store.get(id).isPresent());
        return store.get(id).flatMap(message -> store.raw(id).map(raw -> ResponseEntity.ok()
                        .contentType(message.charset() == null ? HL7_V2
                                : new MediaType(HL7_V2, Charset.forName(message.charset())))
                        .body(raw)))
                .orElse(ResponseEntity.notFound().build());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<Map<String, Object>> badRequest(IllegalArgumentException e) {
        return ErrorAnswers.answer(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    private static MessageStatus status(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return MessageStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status must be one of " + List.of(MessageStatus.values()));
        }
    }

    /** An instant, a date-time with offset, or a local date/date-time in harbour.timezone. */
    private Instant since(String since) {
        if (since == null || since.isBlank()) {
            return null;
        }
        String value = since.trim();
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(zone).toInstant();
            }
            if (value.endsWith("Z") || value.matches(".*[+-]\\d{2}:?\\d{2}$")) {
                return OffsetDateTime.parse(value).toInstant();
            }
            return LocalDateTime.parse(value).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("since must be an ISO-8601 date or date-time, e.g. 2026-11-22T09:00:00+08:00");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
