package org.harbour.routes.disclose;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.JdbcTemplate;

/** What each endpoint accepted, one row per delivery: a redelivered queue message is not sent again. */
public class DeliveryReceipts {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public DeliveryReceipts(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public boolean delivered(String deliveryId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM delivery_receipt WHERE delivery_id = ?", Integer.class,
                deliveryId);
        return n != null && n > 0;
    }

    public void record(OutboundDelivery d, String endpointType, int status, String receipt) {
        jdbc.update("INSERT INTO delivery_receipt (delivery_id, recipient, endpoint_type, patient_id, message_id, records,"
                + " http_status, receipt, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", d.id(), d.recipient(),
                endpointType, d.patientId(), d.messageId(), String.join(" ", d.records()), status,
                receipt == null || receipt.length() <= 500 ? receipt : receipt.substring(0, 500),
                OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
    }
}
