-- Deliveries to recipients' endpoints: one row per notification the endpoint accepted, so a
-- redelivered queue message is not sent twice, and operators can see what went where.
CREATE TABLE delivery_receipt (
    delivery_id   VARCHAR(64)   NOT NULL PRIMARY KEY,
    recipient     VARCHAR(100)  NOT NULL,
    endpoint_type VARCHAR(16)   NOT NULL,
    patient_id    VARCHAR(64),
    message_id    VARCHAR(36),
    records       TEXT          NOT NULL,
    http_status   INTEGER       NOT NULL,
    receipt       VARCHAR(500),
    delivered_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX delivery_receipt_patient ON delivery_receipt (patient_id, delivered_at);
CREATE INDEX delivery_receipt_recipient ON delivery_receipt (recipient, delivered_at);
