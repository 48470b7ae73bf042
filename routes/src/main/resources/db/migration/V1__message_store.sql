-- Message store: every message Harbour received, accepted or rejected, with its original bytes.
-- Portable SQL: runs on PostgreSQL and on H2 (MODE=PostgreSQL).

CREATE TABLE message (
    id                  VARCHAR(36)   NOT NULL PRIMARY KEY,
    control_id          VARCHAR(199),
    sender              VARCHAR(500),
    sending_application VARCHAR(500),
    message_type        VARCHAR(64),
    hl7_version         VARCHAR(16),
    status              VARCHAR(16)   NOT NULL,
    received_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    stored_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    remote_address      VARCHAR(255),
    listener            VARCHAR(64),
    charset             VARCHAR(64),
    size_bytes          BIGINT        NOT NULL,
    sha256              VARCHAR(64)   NOT NULL,
    reason              VARCHAR(2000),
    duplicates          INTEGER       DEFAULT 0 NOT NULL
);

CREATE INDEX message_received_at ON message (received_at);
CREATE INDEX message_control_id ON message (control_id);
CREATE INDEX message_sender_received ON message (sender, received_at);
CREATE INDEX message_status_received ON message (status, received_at);

-- The original bytes, apart from the metadata so listing stays light.
CREATE TABLE message_raw (
    message_id VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES message (id),
    raw        BYTEA       NOT NULL
);

-- Sender + control id of accepted messages: recognises resends within the duplicate window.
CREATE TABLE message_key (
    dedup_key   VARCHAR(1024) NOT NULL PRIMARY KEY,
    message_id  VARCHAR(36)  NOT NULL,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL
);
