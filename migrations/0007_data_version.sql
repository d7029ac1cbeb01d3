-- The data's version: which state of phone_records an answer was computed on.
--
-- A summary reads every call of its view (about 2 × the whole table for the
-- list's default view, 4 × with the top matters), and a filtered list's
-- count every match: the UI asks for both on every visit. The Worker keeps
-- what it computed, each with the version of the data it read, and asks D1
-- to compute it again only when that version has changed — in the same
-- statement that reads the version (worker/src/sql.rs, `unless_at`), so an
-- answer of unchanged data reads one row.
--
-- data_version, on the record counter's row, is a new random number after
-- every insert, delete and update of a record, set by the triggers below in
-- the same transaction as the change (the insert and delete triggers already
-- write this row). Random, not a counter: a database restored to an earlier
-- point (D1 Time Travel, a backup) and changed again, or a new database,
-- never reaches a version it had before with other data, as a counter would.
-- A restore loads the row as backed up, with the data it was backed up with.
ALTER TABLE phone_records_count ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0;
UPDATE phone_records_count SET data_version = random() WHERE id = 1;

DROP TRIGGER phone_records_count_insert;
CREATE TRIGGER phone_records_count_insert AFTER INSERT ON phone_records
BEGIN
    UPDATE phone_records_count SET n = n + 1, data_version = random() WHERE id = 1;
END;

DROP TRIGGER phone_records_count_delete;
CREATE TRIGGER phone_records_count_delete AFTER DELETE ON phone_records
BEGIN
    UPDATE phone_records_count SET n = n - 1, data_version = random() WHERE id = 1;
END;

CREATE TRIGGER phone_records_changed AFTER UPDATE ON phone_records
BEGIN
    UPDATE phone_records_count SET data_version = random() WHERE id = 1;
END;
