-- The read side for admins and owners (expand only: one index).
-- Sales per day (GET /v1/admin/stats, /v1/owner/stats) aggregate the
-- reservations made in a window. This index covers that query (day,
-- status, currency, amount and the show for an owner's scope), so it reads
-- the window's index entries and never the rows: with a million
-- reservations, the cost follows the window, not the table.
ALTER TABLE reservations
  ADD INDEX IF NOT EXISTS ix_reservations_created (created_at, status, currency, total_cents, show_id);
