-- A record remembers the time its source gave the message that wrote it (EVN-2, else MSH-7) and
-- which sender that was, so a stale update (an older A08, a retried message overtaken by a newer
-- one) is kept as history and never becomes the current version.
ALTER TABLE fhir_resource ADD COLUMN source_time TIMESTAMP WITH TIME ZONE;
ALTER TABLE fhir_resource ADD COLUMN source_sender VARCHAR(500);
