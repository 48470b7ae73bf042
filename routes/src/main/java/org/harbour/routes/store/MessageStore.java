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
            + " status, received_at, stored_at, remote_address, listener, charset, size_bytes, sha256, reason, duplicates";
    private static final String READ_COLUMNS = COLUMNS + ", translation, resources";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DuplicateWindow duplicateWindow;
    private final Clock clock;

    public MessageStore(JdbcTemplate jdbc, TransactionTemplate tx, DuplicateWindow duplicateWindow, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.duplicateWindow = duplicateWindow;
        this.clock = clock;
    }

    /** Records an accepted message once; a repeat within the window is counted, not stored. */
    public StoreOutcome storeAccepted(InboundMessage message) {
        return storeAccepted(List.of(message)).get(0);
    }

    /**
     * Records accepted messages in one transaction, each once; returns each one's outcome in
     * order. A repeat within the window (also within the same list) is counted, not stored.
     */
    public List<StoreOutcome> storeAccepted(List<InboundMessage> messages) {
        try {
            return tx.execute(status -> messages.stream().map(this::storeOnce).toList());
        } catch (DuplicateKeyException raced) {
            // another writer stored one of the keys between our check and our insert
            return tx.execute(status -> messages.stream().map(this::storeOnce).toList());
        }
    }

    private StoreOutcome storeOnce(InboundMessage message) {
        String key = message.deduplicationKey();
        List<Object[]> prior = jdbc.query(
                "SELECT message_id, received_at FROM message_key WHERE dedup_key = ? FOR UPDATE",
                (rs, n) -> new Object[] {rs.getString(1), instant(rs, 2)}, key);
        if (!prior.isEmpty()) {
            String priorId = (String) prior.get(0)[0];
            Instant priorAt = (Instant) prior.get(0)[1];
            if (priorId.equals(message.id())) {
                return StoreOutcome.REDELIVERED;
            }
            if (duplicateWindow.contains(priorAt, message.receivedAt())) {
                jdbc.update("UPDATE message SET duplicates = duplicates + 1 WHERE id = ?", priorId);
                return StoreOutcome.DUPLICATE;
            }
            jdbc.update("UPDATE message_key SET message_id = ?, received_at = ? WHERE dedup_key = ?",
                    message.id(), timestamp(message.receivedAt()), key);
        } else {
            jdbc.update("INSERT INTO message_key (dedup_key, message_id, received_at) VALUES (?, ?, ?)",
                    key, message.id(), timestamp(message.receivedAt()));
        }
        insert(message, MessageStatus.RECEIVED, null);
        return StoreOutcome.STORED;
    }

    /** Keeps a message that failed the basic checks, with the reason. */
    public void keepRejected(InboundMessage message, String reason) {
        tx.executeWithoutResult(status -> insert(message, MessageStatus.REJECTED, reason));
    }

    /** When the sender's message with this key was first accepted, if within the window. */
    public Optional<Instant> acceptedWithinWindow(String deduplicationKey, Instant at) {
        List<Instant> prior = jdbc.query("SELECT received_at FROM message_key WHERE dedup_key = ?",
                (rs, n) -> instant(rs, 1), deduplicationKey);
        return prior.stream().filter(p -> duplicateWindow.contains(p, at)).findFirst();
    }

    /** Streams every accepted message key received at or after {@code since}. */
    public void forEachKeySince(Instant since, Consumer<String> action) {
        tx.executeWithoutResult(status -> jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement(
                    "SELECT dedup_key FROM message_key WHERE received_at >= ?");
            statement.setFetchSize(10_000);
            statement.setObject(1, timestamp(since));
            return statement;
        }, (RowCallbackHandler) rs -> action.accept(rs.getString(1))));
    }

    private void insert(InboundMessage m, MessageStatus status, String reason) {
        jdbc.update("INSERT INTO message (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)",
                m.id(), m.controlId(), m.sender(), m.sendingApplication(), m.messageType(), m.hl7Version(),
                status.name(), timestamp(m.receivedAt()), timestamp(clock.instant()), m.remoteAddress(),
                m.listener(), m.charset(), m.raw().length, sha256(m.raw()), reason);
        jdbc.update("INSERT INTO message_raw (message_id, raw) VALUES (?, ?)", m.id(), m.raw());
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

    /** The original bytes of a message. */
    public Optional<byte[]> raw(String id) {
        return jdbc.query("SELECT raw FROM message_raw WHERE message_id = ?", (rs, n) -> rs.getBytes(1), id)
                .stream().findFirst();
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
            rs.getString("translation"), (Integer) rs.getObject("resources"));

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

    /**
     * A fresh message id: a time-ordered UUID (version 7: the millisecond of its creation, then 74
     * random bits). Ids made one after another sort after each other, so the message, its raw
     * bytes and its report go to the end of their tables' primary-key indexes: on the embedded
     * database a commit then rewrites one index page they share instead of three scattered ones.
     */
    public static String newId() {
        return timeOrderedId(System.currentTimeMillis(), ID_RANDOM.nextLong(), ID_RANDOM.nextLong());
    }

    static String timeOrderedId(long epochMillis, long randomA, long randomB) {
        long high = (epochMillis << 16) | 0x7000L | (randomA & 0x0FFFL);
        long low = (randomB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

}
