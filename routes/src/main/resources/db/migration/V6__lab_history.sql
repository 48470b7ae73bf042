-- Each patient's laboratory results by test, for repeated-test checks: one row per stored
-- Observation (final, corrected or amended), keyed by the hub patient and the test (LOINC, or
-- the facility's local code). The fingerprint (patient, test, time, value) finds the same
-- result arriving again under another id.
CREATE TABLE lab_result (
    observation_ref VARCHAR(140)  NOT NULL PRIMARY KEY,
    patient_id      VARCHAR(64)   NOT NULL,
    test_key        VARCHAR(300)  NOT NULL,
    effective_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    status          VARCHAR(16)   NOT NULL,
    value_text      VARCHAR(200),
    facility        VARCHAR(200),
    fingerprint     VARCHAR(64)   NOT NULL
);
CREATE INDEX lab_result_history ON lab_result (patient_id, test_key, effective_at);
CREATE INDEX lab_result_fingerprint ON lab_result (fingerprint);
