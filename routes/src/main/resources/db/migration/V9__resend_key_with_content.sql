-- Control-id collisions: a resend is the same key AND the same content (MSH-7 left out). The key
-- table keeps one row per key and content; a second content under a live key is a collision,
-- stored as its own message with its own variant (which goes into its resource ids), and the
-- message row says which message it collided with.
-- Rows from before this migration have no content hash (''): a message under such a key is
-- taken for its resend, as before.
CREATE TABLE message_key_v2 (
    dedup_key    VARCHAR(1024) NOT NULL,
    content_hash VARCHAR(64)   NOT NULL,
    message_id   VARCHAR(36)   NOT NULL,
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    variant      INTEGER       DEFAULT 0 NOT NULL,
    PRIMARY KEY (dedup_key, content_hash),
    CONSTRAINT message_key_variant UNIQUE (dedup_key, variant)
);

INSERT INTO message_key_v2 (dedup_key, content_hash, message_id, received_at, variant)
SELECT dedup_key, '', message_id, received_at, 0 FROM message_key;

DROP TABLE message_key;
ALTER TABLE message_key_v2 RENAME TO message_key;
CREATE INDEX message_key_received_at ON message_key (received_at);

ALTER TABLE message ADD COLUMN resend_key VARCHAR(1024);
ALTER TABLE message ADD COLUMN collision_of VARCHAR(36);
CREATE INDEX message_collision_of ON message (collision_of);
