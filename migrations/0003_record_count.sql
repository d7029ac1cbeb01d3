-- The number of records, kept exact by triggers in the same transaction as
-- every insert and delete, so an unfiltered list's recordCount reads one row
-- instead of counting the table.
CREATE TABLE phone_records_count (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO phone_records_count (id, n) SELECT 1, COUNT(*) FROM phone_records;

CREATE TRIGGER phone_records_count_insert AFTER INSERT ON phone_records
BEGIN
    UPDATE phone_records_count SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER phone_records_count_delete AFTER DELETE ON phone_records
BEGIN
    UPDATE phone_records_count SET n = n - 1 WHERE id = 1;
END;
