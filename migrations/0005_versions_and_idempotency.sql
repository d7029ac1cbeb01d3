-- Versions and idempotency keys (issue 11).
--
-- version: every record's version, 1 when created, raised by 1 in the same
-- UPDATE that changes the record (sql.rs). It is not a field of the record's
-- JSON: it travels as the strong ETag "<id>-<version>" and is compared by
-- If-Match (PUT, DELETE) and If-None-Match (GET). Existing rows get 1.
ALTER TABLE phone_records ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);

-- The answers to POSTs sent with an Idempotency-Key, remembered for 24 hours.
-- A key belongs to one API token (scope: the token's SHA-256 prefix, the
-- rate limiter's key; never the token). The key row is claimed, the records
-- inserted and the answer written in ONE D1 batch (one transaction), so a
-- stored record without its remembered answer (or the reverse) cannot exist.
--   body_hash    SHA-256 of the request's JSON (parsed and re-serialised)
--   claim        a random value of the request that claimed the key: the
--                batch's later statements act only if it is theirs
--   after_id     the largest record id when claimed: the records this POST
--                made are those above it (ids only grow; the batch is one
--                transaction, so no other write comes between)
--   status ... etag  the answer, replayed byte for byte; status is NULL only
--                inside the claiming batch, never once it has committed
--   expires_ms   when the key may be forgotten (created_ms + 24 h); expired
--                keys are purged by later idempotent POSTs, and an expired
--                key is claimed anew
CREATE TABLE idempotency_keys (
    scope        TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    body_hash    TEXT    NOT NULL,
    claim        TEXT    NOT NULL,
    after_id     INTEGER NOT NULL,
    status       INTEGER,
    content_type TEXT,
    body         TEXT,
    location     TEXT,
    etag         TEXT,
    created_ms   INTEGER NOT NULL,
    expires_ms   INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_ms);
