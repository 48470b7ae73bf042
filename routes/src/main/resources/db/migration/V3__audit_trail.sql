-- Audit trail: append-only, each entry chained to the one before (SHA-256 over the previous hash,
-- the sequence number, the time and the entry), with signed checkpoints for an external witness.
-- Never purged with clinical data.

CREATE TABLE audit_event (
    seq         BIGINT       NOT NULL PRIMARY KEY,
    recorded    TIMESTAMP WITH TIME ZONE NOT NULL,
    patient_id  VARCHAR(64),
    agent       VARCHAR(300),
    entry       TEXT         NOT NULL,
    prev_hash   VARCHAR(64)  NOT NULL,
    hash        VARCHAR(64)  NOT NULL
);
CREATE INDEX audit_event_patient ON audit_event (patient_id, recorded);
CREATE INDEX audit_event_recorded ON audit_event (recorded);

CREATE TABLE audit_checkpoint (
    seq        BIGINT       NOT NULL PRIMARY KEY,
    hash       VARCHAR(64)  NOT NULL,
    signed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    public_key VARCHAR(200) NOT NULL,
    signature  VARCHAR(200) NOT NULL
);
