-- Phone records: one row per call.
-- call_timestamp keeps the RFC 3339 text as the client gave it (offset
-- included); call_at_ms is the same instant in Unix milliseconds, for
-- ordering and comparing. AUTOINCREMENT: an id is never reused after a
-- delete, so a deleted record's id cannot come to name another call.
CREATE TABLE phone_records (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    from_participant_other TEXT,
    to_participant_other   TEXT,
    direction              TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    phone_number           TEXT,
    phone_number_type      TEXT,
    actual_hours           REAL    CHECK (actual_hours IS NULL OR actual_hours >= 0),
    notes                  TEXT,
    call_timestamp         TEXT    NOT NULL,
    call_at_ms             INTEGER NOT NULL,
    outcome                TEXT    NOT NULL,
    action_id              INTEGER CHECK (action_id IS NULL OR action_id > 0),
    from_participant_id    INTEGER CHECK (from_participant_id IS NULL OR from_participant_id > 0),
    to_participant_id      INTEGER CHECK (to_participant_id IS NULL OR to_participant_id > 0)
);

-- The list's usual orders and filters: by time, by matter, by direction.
CREATE INDEX phone_records_call_at ON phone_records (call_at_ms, id);
CREATE INDEX phone_records_action ON phone_records (action_id, call_at_ms, id);
CREATE INDEX phone_records_direction ON phone_records (direction, call_at_ms, id);
