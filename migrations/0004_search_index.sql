-- The index behind `q=`: FTS5 with the trigram tokenizer over the five
-- searched columns, so a search reads the records holding the text rather
-- than the whole table. External content: the text stays in phone_records
-- only; triggers keep the index in step in the same transaction. The
-- trigram tokenizer folds case beyond ASCII, so sql.rs re-checks candidates
-- with LIKE (ASCII folding, the documented rule); it needs ≥ 3 characters,
-- so shorter searches scan with LIKE alone.
CREATE VIRTUAL TABLE phone_records_search USING fts5(
    from_participant_other,
    to_participant_other,
    phone_number,
    notes,
    outcome,
    content = 'phone_records',
    content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO phone_records_search (phone_records_search) VALUES ('rebuild');

CREATE TRIGGER phone_records_search_insert AFTER INSERT ON phone_records
BEGIN
    INSERT INTO phone_records_search
        (rowid, from_participant_other, to_participant_other, phone_number, notes, outcome)
    VALUES
        (new.id, new.from_participant_other, new.to_participant_other, new.phone_number, new.notes, new.outcome);
END;

CREATE TRIGGER phone_records_search_delete AFTER DELETE ON phone_records
BEGIN
    INSERT INTO phone_records_search
        (phone_records_search, rowid, from_participant_other, to_participant_other, phone_number, notes, outcome)
    VALUES
        ('delete', old.id, old.from_participant_other, old.to_participant_other, old.phone_number, old.notes, old.outcome);
END;

-- Only a change to a searched column touches the index.
CREATE TRIGGER phone_records_search_update
AFTER UPDATE OF from_participant_other, to_participant_other, phone_number, notes, outcome ON phone_records
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
