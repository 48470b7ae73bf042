-- Patient data sealed at rest: the original bytes of every message and the lab history's values
-- are stored encrypted (AES-GCM, the record store's keys), like record payloads and reports.
-- message_raw.key_id names the key that sealed the row; NULL marks bytes stored in clear before
-- this migration, which the hub's background pass seals (and which are read as they are till then).
ALTER TABLE message_raw ADD COLUMN key_id INTEGER;
CREATE INDEX message_raw_key ON message_raw (key_id);
-- a sealed value is longer than its text: "~" and base64 of format, key number, nonce, text, tag
ALTER TABLE lab_result ALTER COLUMN value_text SET DATA TYPE VARCHAR(1000);
