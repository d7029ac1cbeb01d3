-- Indexes for the remaining documented filters (see README, "Query language").
-- Every index on a rowid table ends in id, so each also serves "ORDER BY id"
-- within its filter.
CREATE INDEX phone_records_from_participant ON phone_records (from_participant_id, call_at_ms);
CREATE INDEX phone_records_to_participant ON phone_records (to_participant_id, call_at_ms);
CREATE INDEX phone_records_phone_number ON phone_records (phone_number, call_at_ms);
-- direction has two values, so its filter is only fast if the index also
-- yields the default order (id): (direction) is (direction, id).
CREATE INDEX phone_records_direction_id ON phone_records (direction);
