-- Record store: patient-indexed FHIR R4 resources, payloads encrypted (AES-GCM), every version kept.
-- Portable SQL: runs on PostgreSQL and on H2 (MODE=PostgreSQL).

CREATE TABLE fhir_resource (
    resource_type VARCHAR(64)  NOT NULL,
    id            VARCHAR(64)  NOT NULL,
    version_id    INTEGER      NOT NULL,
    patient_id    VARCHAR(64),
    last_updated  TIMESTAMP WITH TIME ZONE NOT NULL,
    message_id    VARCHAR(36),
    payload       BYTEA        NOT NULL,
    PRIMARY KEY (resource_type, id)
);
CREATE INDEX fhir_resource_patient ON fhir_resource (patient_id, resource_type);

CREATE TABLE fhir_resource_version (
    resource_type VARCHAR(64)  NOT NULL,
    id            VARCHAR(64)  NOT NULL,
    version_id    INTEGER      NOT NULL,
    last_updated  TIMESTAMP WITH TIME ZONE NOT NULL,
    message_id    VARCHAR(36),
    payload       BYTEA        NOT NULL,
    PRIMARY KEY (resource_type, id, version_id)
);

-- Search index: token values (codes in clear as system|code and |code; identifiers as keyed hashes).
CREATE TABLE fhir_token (
    resource_type VARCHAR(64)   NOT NULL,
    id            VARCHAR(64)   NOT NULL,
    param         VARCHAR(64)   NOT NULL,
    token         VARCHAR(600)  NOT NULL
);
CREATE INDEX fhir_token_lookup ON fhir_token (resource_type, param, token);
CREATE INDEX fhir_token_owner ON fhir_token (resource_type, id);

-- Identity: which hub Patient each linkable identifier (keyed hash of system|value) belongs to.
CREATE TABLE patient_link (
    identifier_hash VARCHAR(64) NOT NULL PRIMARY KEY,
    patient_id      VARCHAR(64) NOT NULL,
    linked_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX patient_link_patient ON patient_link (patient_id);

-- What translation made of each stored message: outcome and the (encrypted) conversion report.
ALTER TABLE message ADD COLUMN translation VARCHAR(16);
ALTER TABLE message ADD COLUMN resources INTEGER;
CREATE TABLE message_report (
    message_id VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES message (id),
    report     BYTEA       NOT NULL
);
