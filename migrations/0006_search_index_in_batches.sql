-- The search index takes new records 64 at a time instead of one by one.
--
-- An FTS5 insert writes a new index segment per transaction, and a create is
-- one transaction: indexing each record as it was created was the largest part
-- of a create's cost in D1 (docs/performance.md). Now a create only queues its
-- id; the create whose id is a multiple of 64 indexes the queued records
-- together, in its own statement. The queue holds at most 63 records (ids
-- only grow; records created with explicit ids, as a restore does, are
-- indexed by the restore's rebuild, which empties the queue).
--
-- The search (worker/src/sql.rs) takes the index's candidates and the queued
-- records, then keeps those whose text matches: a queued record is found like
-- any other. Deleting or changing a queued record leaves the index alone (the
-- batch reads the records as they are when it runs).

CREATE TABLE phone_records_search_queue (
    id INTEGER PRIMARY KEY
);

DROP TRIGGER phone_records_search_insert;
CREATE TRIGGER phone_records_search_insert AFTER INSERT ON phone_records
BEGIN
    INSERT INTO phone_records_search_queue (id) VALUES (new.id);
END;

CREATE TRIGGER phone_records_search_batch AFTER INSERT ON phone_records_search_queue
WHEN new.id % 64 = 0
BEGIN
    INSERT INTO phone_records_search
        (rowid, from_participant_other, to_participant_other, phone_number, notes, outcome)
    SELECT p.id, p.from_participant_other, p.to_participant_other, p.phone_number, p.notes, p.outcome
    FROM phone_records_search_queue q JOIN phone_records p ON p.id = q.id;
    DELETE FROM phone_records_search_queue;
END;

DROP TRIGGER phone_records_search_delete;
CREATE TRIGGER phone_records_search_delete AFTER DELETE ON phone_records
BEGIN
    INSERT INTO phone_records_search
        (phone_records_search, rowid, from_participant_other, to_participant_other, phone_number, notes, outcome)
    SELECT 'delete', old.id, old.from_participant_other, old.to_participant_other, old.phone_number, old.notes, old.outcome
    WHERE NOT EXISTS (SELECT 1 FROM phone_records_search_queue WHERE id = old.id);
    DELETE FROM phone_records_search_queue WHERE id = old.id;
END;

DROP TRIGGER phone_records_search_update;
CREATE TRIGGER phone_records_search_update
AFTER UPDATE OF from_participant_other, to_participant_other, phone_number, notes, outcome ON phone_records
WHEN NOT EXISTS (SELECT 1 FROM phone_records_search_queue WHERE id = old.id)
BEGIN
    INSERT INTO phone_records_search
        (phone_records_search, rowid, from_participant_other, to_participant_other, phone_number, notes, outcome)
    VALUES
        ('delete', old.id, old.from_participant_other, old.to_participant_other, old.phone_number, old.notes, old.outcome);
    INSERT INTO phone_records_search
        (rowid, from_participant_other, to_participant_other, phone_number, notes, outcome)
    VALUES
        (new.id, new.from_participant_other, new.to_participant_other, new.phone_number, new.notes, new.outcome);
END;
