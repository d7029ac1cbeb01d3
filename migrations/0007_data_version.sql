-- The data's version: which state of phone_records a summary was computed on.
--
-- A summary reads every call of its view (about 2 × the whole table for the
-- list's default view, 4 × with the top matters): the UI asks for one on
-- every visit. The Worker keeps the summaries it computed, each with the
-- version of the data it read, and asks D1 to compute a summary only when
-- that version has changed — in the same statement that reads the version
-- (worker/src/sql.rs, `unless_unchanged`), so a summary of unchanged data
-- reads one row.
--
-- The version is `epoch.changes` of the record counter's row:
--   changes  raised by 1 by every insert, delete and update of a record, by
--            the triggers below, in the same transaction as the change
--            (the insert and delete triggers already write this row)
--   epoch    a random number fixed when this migration runs: another
--            database (a new one, or one wiped and filled again) never
--            shares a version with this one
-- A restore loads the row as backed up, with the data it was backed up with.
ALTER TABLE phone_records_count ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE phone_records_count ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
UPDATE phone_records_count SET epoch = random() WHERE id = 1;

DROP TRIGGER phone_records_count_insert;
CREATE TRIGGER phone_records_count_insert AFTER INSERT ON phone_records
BEGIN
    UPDATE phone_records_count SET n = n + 1, changes = changes + 1 WHERE id = 1;
END;

DROP TRIGGER phone_records_count_delete;
CREATE TRIGGER phone_records_count_delete AFTER DELETE ON phone_records
BEGIN
    UPDATE phone_records_count SET n = n - 1, changes = changes + 1 WHERE id = 1;
END;

CREATE TRIGGER phone_records_changed AFTER UPDATE ON phone_records
BEGIN
    UPDATE phone_records_count SET changes = changes + 1 WHERE id = 1;
END;
