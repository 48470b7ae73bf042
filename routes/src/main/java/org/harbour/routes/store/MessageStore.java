package org.harbour.routes.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The message store: every message received, its status and its original bytes.
 *
 * <p>Recording an accepted message is idempotent: the same sender and control id within the
 * duplicate window are stored once, however often they are delivered (a resend, a broker
 * redelivery after a crash, or two copies enqueued in a race).
 */
public class MessageStore {

    private static final String COLUMNS = "id, control_id, sender, sending_application, message_type, hl7_version,"
            + " status, received_at, stored_at, remote_address, listener, charset, size_bytes, sha256, reason, duplicates,"
            + " resend_key, collision_of";
    private static final String READ_COLUMNS = COLUMNS + ", translation, resources,"
            + " (SELECT COUNT(*) FROM delivery_receipt d WHERE d.message_id = message.id) AS deliveries";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DuplicateWindow duplicateWindow;
    private final Clock clock;
    /** Seals the original bytes (and reads them back): never stored in clear. */
    private final org.harbour.routes.records.RecordCipher cipher;

    /** A store whose raw bytes are sealed with a key of its own, kept in memory only (tests, tools). */
    public MessageStore(JdbcTemplate jdbc, TransactionTemplate tx, DuplicateWindow duplicateWindow, Clock clock) {
        this(jdbc, tx, duplicateWindow, clock, org.harbour.routes.records.RecordCipher.ephemeral());
    }

    public MessageStore(JdbcTemplate jdbc, TransactionTemplate tx, DuplicateWindow duplicateWindow, Clock clock,
            org.harbour.routes.records.RecordCipher cipher) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.duplicateWindow = duplicateWindow;
        this.clock = clock;
        this.cipher = cipher;
    }

    /** What a message's original bytes are sealed under: its id. */
    public static String rawAssociatedData(String messageId) {
        return "message-raw/" + messageId;
    }

    /** Records an accepted message once; a repeat within the window is counted, not stored. */
    public Recorded storeAccepted(InboundMessage message) {
        return storeAccepted(List.of(message)).get(0);
    }

    /**
     * What recording an accepted message did.
     *
     * @param variant 0 for the first message under its key; n &gt; 0 for the n-th control-id
     *     collision under it (its resource ids must differ: {@code V2ToFhir.convert(raw, variant)})
     * @param collidesWith the id of the message stored earlier under the same key, for a collision
     */
    public record Recorded(StoreOutcome outcome, int variant, String collidesWith) {
        static Recorded of(StoreOutcome outcome, int variant) {
            return new Recorded(outcome, variant, null);
        }

        /** The variant as the translator takes it: null for the first message under its key. */
        public String variantName() {
            return variant == 0 ? null : String.valueOf(variant);
        }
    }

    /**
     * Records accepted messages in one transaction, each once; returns each one's outcome in
     * order. A repeat within the window (also within the same list) is counted, not stored.
     */
    public List<Recorded> storeAccepted(List<InboundMessage> messages) {
        try {
            return tx.execute(status -> messages.stream().map(this::storeOnce).toList());
        } catch (DuplicateKeyException raced) {
            // another writer stored one of the keys between our check and our insert
            return tx.execute(status -> messages.stream().map(this::storeOnce).toList());
        }
    }

    /** A row of the key table: one message's content under a key. */
    private record KeyRow(String contentHash, String messageId, Instant receivedAt, int variant) {
    }

    /**
     * One message: a redelivery of a message already recorded (same id), a resend (same key and
     * content within the window; content unknown for keys recorded before contents were), a
     * control-id collision (same key, other content: stored as its own message and flagged), or new.
     */
    private Recorded storeOnce(InboundMessage message) {
        String key = message.deduplicationKey();
        String fingerprint = message.fingerprint();
        List<KeyRow> rows = jdbc.query(
                "SELECT content_hash, message_id, received_at, variant FROM message_key WHERE dedup_key = ? FOR UPDATE",
                (rs, n) -> new KeyRow(rs.getString(1), rs.getString(2), instant(rs, 3), rs.getInt(4)), key);
        for (KeyRow row : rows) {
            if (row.messageId().equals(message.id())) {
                return Recorded.of(StoreOutcome.REDELIVERED, row.variant());
            }
        }
        List<KeyRow> live = rows.stream().filter(r -> duplicateWindow.contains(r.receivedAt(), message.receivedAt()))
                .toList();
        for (KeyRow row : live) {
            if (row.contentHash().equals(fingerprint) || row.contentHash().isEmpty()) {
                jdbc.update("UPDATE message SET duplicates = duplicates + 1 WHERE id = ?", row.messageId());
                return Recorded.of(StoreOutcome.DUPLICATE, row.variant());
            }
        }
        // rows past the window are forgotten: under their key this message starts afresh, or collides with the live
        for (KeyRow row : rows) {
            if (!live.contains(row)) {
                jdbc.update("DELETE FROM message_key WHERE dedup_key = ? AND content_hash = ?", key, row.contentHash());
            }
        }
        int variant = live.stream().mapToInt(KeyRow::variant).max().orElse(-1) + 1;
        String collidesWith = live.stream().min(java.util.Comparator.comparing(KeyRow::receivedAt)
                .thenComparing(KeyRow::variant)).map(KeyRow::messageId).orElse(null);
        jdbc.update("INSERT INTO message_key (dedup_key, content_hash, message_id, received_at, variant)"
                + " VALUES (?, ?, ?, ?, ?)", key, fingerprint, message.id(), timestamp(message.receivedAt()), variant);
        insert(message, MessageStatus.RECEIVED, null, collidesWith);
        return new Recorded(collidesWith == null ? StoreOutcome.STORED : StoreOutcome.COLLISION, variant, collidesWith);
    }

    /** Keeps a message that failed the basic checks, with the reason. */
    public void keepRejected(InboundMessage message, String reason) {
        tx.executeWithoutResult(status -> insert(message, MessageStatus.REJECTED, reason, null));
    }

    /**
     * When the message with this key and content (its {@link InboundMessage#fingerprint}) was
     * first accepted, if within the window. A key recorded before contents were matches any content.
     */
    public Optional<Instant> acceptedWithinWindow(String deduplicationKey, String fingerprint, Instant at) {
        List<Instant> prior = jdbc.query(
                "SELECT received_at FROM message_key WHERE dedup_key = ? AND content_hash IN (?, '')",
                (rs, n) -> instant(rs, 1), deduplicationKey, fingerprint);
        return prior.stream().filter(p -> duplicateWindow.contains(p, at)).findFirst();
    }

    /**
     * Streams every accepted message received at or after {@code since} as its key and
     * fingerprint ({@link #keyAndContent}).
     */
    public void forEachKeySince(Instant since, Consumer<String> action) {
        tx.executeWithoutResult(status -> jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement(
                    "SELECT dedup_key, content_hash FROM message_key WHERE received_at >= ?");
            statement.setFetchSize(10_000);
            statement.setObject(1, timestamp(since));
            return statement;
        }, (RowCallbackHandler) rs -> action.accept(keyAndContent(rs.getString(1), rs.getString(2)))));
    }

    /** A message's key and content as one string, as the resend check remembers them. */
    public static String keyAndContent(String deduplicationKey, String fingerprint) {
        return deduplicationKey + '#' + fingerprint;
    }

    private void insert(InboundMessage m, MessageStatus status, String reason, String collisionOf) {
        jdbc.update("INSERT INTO message (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,?,?)",
                m.id(), clip(m.controlId(), 199), clip(m.sender(), 500), clip(m.sendingApplication(), 500),
                clip(m.messageType(), 64), clip(m.hl7Version(), 16), status.name(), timestamp(m.receivedAt()),
                timestamp(clock.instant()), clip(m.remoteAddress(), 255), clip(m.listener(), 64),
                clip(m.charset(), 64), m.raw().length, sha256(m.raw()), clip(reason, 2000),
                clip(m.deduplicationKey(), 1024), collisionOf);
        byte[] sealed = cipher.encrypt(m.raw(), rawAssociatedData(m.id()));
        jdbc.update("INSERT INTO message_raw (message_id, raw, key_id) VALUES (?, ?, ?)", m.id(), sealed,
                org.harbour.routes.records.RecordCipher.keyOf(sealed));
    }

    /** Records what translation made of a message: its outcome, resource count and encrypted report. */
    public void recordTranslation(String messageId, String outcome, int resources, byte[] encryptedReport) {
        jdbc.update("UPDATE message SET translation = ?, resources = ? WHERE id = ?", outcome, resources, messageId);
        jdbc.update("DELETE FROM message_report WHERE message_id = ?", messageId);
        jdbc.update("INSERT INTO message_report (message_id, report) VALUES (?, ?)", messageId, encryptedReport);
    }

    /** The encrypted conversion report of a message. */
    public Optional<byte[]> report(String messageId) {
        return jdbc.query("SELECT report FROM message_report WHERE message_id = ?", (rs, n) -> rs.getBytes(1), messageId)
                .stream().findFirst();
    }

    /** One page of messages, newest first. */
    public List<StoredMessage> find(MessageQuery query) {
        List<Object> args = new ArrayList<>();
        String where = where(query, args);
        args.add(query.size());
        args.add((long) query.page() * query.size());
        return jdbc.query("SELECT " + READ_COLUMNS + " FROM message" + where
                + " ORDER BY received_at DESC, id LIMIT ? OFFSET ?", ROW, args.toArray());
    }

    /** How many messages match, for paging. */
    public long count(MessageQuery query) {
        List<Object> args = new ArrayList<>();
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM message" + where(query, args), Long.class,
                args.toArray());
        return count == null ? 0 : count;
    }

    public Optional<StoredMessage> get(String id) {
        return jdbc.query("SELECT " + READ_COLUMNS + " FROM message WHERE id = ?", ROW, id).stream().findFirst();
    }

    /** The original bytes of a message (opened: stored sealed, or in clear only from before sealing). */
    public Optional<byte[]> raw(String id) {
        return jdbc.query("SELECT raw, key_id FROM message_raw WHERE message_id = ?", (rs, n) -> {
            byte[] stored = rs.getBytes(1);
            rs.getInt(2);
            return rs.wasNull() ? stored : cipher.decrypt(stored, rawAssociatedData(id));
        }, id).stream().findFirst();
    }

    private static String where(MessageQuery q, List<Object> args) {
        StringBuilder where = new StringBuilder();
        if (q.controlId() != null) {
            clause(where, "control_id = ?");
            args.add(q.controlId());
        }
        if (q.sender() != null) {
            clause(where, "sender = ?");
            args.add(q.sender());
        }
        if (q.type() != null) {
            if (q.type().contains("^")) {
                clause(where, "message_type = ?");
                args.add(q.type());
            } else {
                clause(where, "(message_type = ? OR message_type LIKE ?)");
                args.add(q.type());
                args.add(q.type().replace("%", "").replace("_", "") + "^%");
            }
        }
        if (Boolean.TRUE.equals(q.collision())) {
            clause(where, "collision_of IS NOT NULL");
        }
        if (q.status() != null) {
            clause(where, "status = ?");
            args.add(q.status().name());
        }
        if (q.since() != null) {
            clause(where, "received_at >= ?");
            args.add(timestamp(q.since()));
        }
        return where.toString();
    }

    private static void clause(StringBuilder where, String condition) {
        where.append(where.length() == 0 ? " WHERE " : " AND ").append(condition);
    }

    private static final RowMapper<StoredMessage> ROW = (rs, n) -> new StoredMessage(
            rs.getString("id"), rs.getString("control_id"), rs.getString("sender"),
            rs.getString("sending_application"), rs.getString("message_type"), rs.getString("hl7_version"),
            MessageStatus.valueOf(rs.getString("status")), instant(rs, "received_at"), instant(rs, "stored_at"),
            rs.getString("remote_address"), rs.getString("listener"), rs.getString("charset"),
            rs.getLong("size_bytes"), rs.getString("sha256"), rs.getString("reason"), rs.getInt("duplicates"),
            rs.getString("translation"), (Integer) rs.getObject("resources"), rs.getString("resend_key"),
            rs.getString("collision_of"), rs.getInt("deliveries"));

    /**
     * A metadata value cut to its column (the raw bytes are never cut): a message with an
     * over-long field is kept all the same, its full text in the bytes. Cut at a code point.
     */
    static String clip(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
        return value.substring(0, end);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static final java.security.SecureRandom ID_RANDOM = new java.security.SecureRandom();
    /** The last id's millisecond and counter ({@code millis << 12 | counter}): ids of this JVM only ever grow. */
    private static final java.util.concurrent.atomic.AtomicLong LAST_ID = new java.util.concurrent.atomic.AtomicLong();

    /**
     * A fresh message id: a time-ordered UUID (version 7: the millisecond of its creation, a
     * 12-bit counter within that millisecond, then 62 random bits). Every id made in this JVM sorts
     * after the ones made before it (as text too), so the ids say in which order the hub received
     * its messages: the record store uses that to tell which of two messages from one sender is the
     * newer when the sender's own times do not ({@code Staleness}). More than 4,096 in one
     * millisecond borrow the next millisecond. And they go to the end of their tables'
     * primary-key indexes: on the embedded database a commit then rewrites one index page they
     * share instead of three scattered ones.
     */
    public static String newId() {
        long now = System.currentTimeMillis() << 12;
        long next;
        long last;
        do {
            last = LAST_ID.get();
            next = Math.max(now, last + 1);
        } while (!LAST_ID.compareAndSet(last, next));
        return timeOrderedId(next >>> 12, next, ID_RANDOM.nextLong());
    }

    /** @param counter the id's counter within its millisecond (its low 12 bits are used) */
    static String timeOrderedId(long epochMillis, long counter, long randomB) {
        long high = (epochMillis << 16) | 0x7000L | (counter & 0x0FFFL);
        long low = (randomB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

}
