-- Drops the show_seats trigger of 0010 (never released). It repriced a seat as
-- it became FREE, but a trigger on show_seats runs on every hold, release and
-- confirm: `make bench` measured a hold at 2.9-3.2 ms of CPU with it against
-- 2.56 ms without, most of it in MariaDB. Instead a PATCH of a show that names
-- prices applies them to every seat FREE at that moment (owner-shows).
DROP TRIGGER IF EXISTS show_seats_price_on_free;
