-- The worker's prune_history task deletes processed_events markers by age:
-- an index on the time column keeps that a range, not a scan.
ALTER TABLE processed_events ADD INDEX IF NOT EXISTS ix_processed_events_time (processed_at);
