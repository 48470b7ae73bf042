package org.harbour.routes.api;

import java.nio.charset.Charset;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.harbour.routes.config.HarbourProperties;
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

/** The message store for operators: search, details, and the original bytes. */
@RestController
@RequestMapping("/api/messages")
public class MessageController {

    private static final MediaType HL7_V2 = new MediaType("application", "hl7-v2");

    private final MessageStore store;
    private final ZoneId zone;
    private final RecordCipher cipher;

    public MessageController(MessageStore store, HarbourProperties properties, RecordCipher cipher) {
        this.store = store;
        this.zone = properties.timezone();
        this.cipher = cipher;
    }

    /**
     * The conversion report of a translated message: one line per unmapped field or segment and
     * per warning. It may quote message content, like the raw bytes.
     */
    @GetMapping(path = "/{id}/report", produces = MediaType.TEXT_PLAIN_VALUE)
    public ResponseEntity<String> report(@PathVariable String id) {
        return store.report(id).map(encrypted -> ResponseEntity.ok().contentType(
                        new MediaType(MediaType.TEXT_PLAIN, java.nio.charset.StandardCharsets.UTF_8))
                        .body(new String(cipher.decrypt(encrypted, "message-report/" + id), java.nio.charset.StandardCharsets.UTF_8)))
                .orElse(ResponseEntity.notFound().build());
    }

    /** One page of messages. */
    public record MessagePage(List<StoredMessage> items, int page, int size, long total) {
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    public MessagePage search(@RequestParam(required = false) String controlId,
            @RequestParam(required = false) String sender, @RequestParam(required = false) String type,
            @RequestParam(required = false) String status, @RequestParam(required = false) String since,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        MessageQuery query = new MessageQuery(blankToNull(controlId), blankToNull(sender), blankToNull(type),
                status(status), since(since), page, size);
        return new MessagePage(store.find(query), page, size, store.count(query));
    }

    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<StoredMessage> get(@PathVariable String id) {
        return ResponseEntity.of(store.get(id));
    }

    /** The bytes exactly as received; the charset parameter is what MSH-18 declared. */
    @GetMapping("/{id}/raw")
    public ResponseEntity<byte[]> raw(@PathVariable String id) {
        return store.get(id).flatMap(message -> store.raw(id).map(raw -> ResponseEntity.ok()
                        .contentType(message.charset() == null ? HL7_V2
                                : new MediaType(HL7_V2, Charset.forName(message.charset())))
                        .body(raw)))
                .orElse(ResponseEntity.notFound().build());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
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
