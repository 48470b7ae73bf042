-- Audit trail queries: the event subtype (received, disclosed, withheld, ...) as a column, so a
-- patient's disclosure report and agent searches do not read every entry. Not part of the hash:
-- the chain covers the entry itself, which names its subtype.
ALTER TABLE audit_event ADD COLUMN subtype VARCHAR(64);
CREATE INDEX audit_event_patient_subtype ON audit_event (patient_id, subtype, recorded);
-- the index above serves patient look-ups too; one index fewer to write with every entry
DROP INDEX audit_event_patient;
CREATE INDEX audit_event_agent ON audit_event (agent, recorded);

-- Small facts the hub keeps about itself between starts (the configuration fingerprint, ...).
CREATE TABLE hub_setting (
    setting     VARCHAR(100) NOT NULL PRIMARY KEY,
    content     TEXT         NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
