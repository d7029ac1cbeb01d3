-- The search index takes new records 64 at a time instead of one by one.
--
-- An FTS5 insert writes a new index segment per transaction, and a create is
-- one transaction: indexing each record as it was created was the largest part
-- of a create's cost in D1 (docs/performance.md). Now the index holds every
-- record up to a mark (`upto`), and the records after it wait: the create
-- whose id is a multiple of 64 indexes those up to its own id, in one
-- statement, and moves the mark. Ids only grow, so at most 63 records wait
-- (a restore, which inserts ids of its own, rebuilds the index and sets the
-- mark to the largest id).
--
-- The search (worker/src/sql.rs) takes the index's candidates and the
-- records after the mark, then keeps those whose text matches: a waiting
-- record is found like any other. Deleting or changing a waiting record
-- leaves the index alone (the batch reads the records as they are when it
-- runs).

CREATE TABLE phone_records_search_indexed (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    upto INTEGER NOT NULL
);
-- Every record so far is in the index (migrations/0004's triggers).
INSERT INTO phone_records_search_indexed (id, upto) SELECT 1, COALESCE(MAX(id), 0) FROM phone_records;

DROP TRIGGER phone_records_search_insert;
CREATE TRIGGER phone_records_search_insert AFTER INSERT ON phone_records
WHEN new.id % 64 = 0
BEGIN
    INSERT INTO phone_records_search
        (rowid, from_participant_other, to_participant_other, phone_number, notes, outcome)
    SELECT id, from_participant_other, to_participant_other, phone_number, notes, outcome
    FROM phone_records
    WHERE id > (SELECT upto FROM phone_records_search_indexed WHERE id = 1) AND id <= new.id;
    UPDATE phone_records_search_indexed SET upto = new.id WHERE id = 1 AND upto < new.id;
END;

DROP TRIGGER phone_records_search_delete;
CREATE TRIGGER phone_records_search_delete AFTER DELETE ON phone_records
WHEN old.id <= (SELECT upto FROM phone_records_search_indexed WHERE id = 1)
BEGIN
    INSERT INTO phone_records_search
        (phone_records_search, rowid, from_participant_other, to_participant_other, phone_number, notes, outcome)
    VALUES
        ('delete', old.id, old.from_participant_other, old.to_participant_other, old.phone_number, old.notes, old.outcome);
END;

DROP TRIGGER phone_records_search_update;
CREATE TRIGGER phone_records_search_update
AFTER UPDATE OF from_participant_other, to_participant_other, phone_number, notes, outcome ON phone_records
WHEN old.id <= (SELECT upto FROM phone_records_search_indexed WHERE id = 1)
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
