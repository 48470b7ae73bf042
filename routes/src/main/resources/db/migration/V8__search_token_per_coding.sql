-- One search row per coding instead of two: the code alone in token (what a search by code
-- alone finds), the system-qualified form (system|code) beside it in qualified, checked after
-- the index found the code. Half the rows and index entries for every result stored.
-- Identifier rows stay as they were: both of their forms are keyed hashes, searched by token.
ALTER TABLE fhir_token ADD COLUMN qualified VARCHAR(600);

UPDATE fhir_token SET qualified = token, token = SUBSTRING(token FROM POSITION('|' IN token) + 1)
WHERE param <> 'identifier' AND POSITION('|' IN token) > 0;

DELETE FROM fhir_token b
WHERE b.param <> 'identifier' AND b.qualified IS NULL
  AND EXISTS (SELECT 1 FROM fhir_token q WHERE q.resource_type = b.resource_type AND q.id = b.id
              AND q.param = b.param AND q.token = b.token AND q.qualified IS NOT NULL);
