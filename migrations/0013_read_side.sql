-- The read side for admins and owners (expand only: one index).
-- Sales per day (GET /v1/admin/stats, /v1/owner/stats) group the reservations
-- made in a window; bookings filter by it. Reservation ids grow with time, and
-- the function turns a window into an id range, but the per-day query still
-- reads created_at: this index lets MariaDB range-scan it instead of reading
-- every reservation row in the id range when the window is narrow.
ALTER TABLE reservations ADD INDEX IF NOT EXISTS ix_reservations_created (created_at);
