-- Films and per-show prices by seat type (expand only).
--
-- * films: what a show screens, owned by an owner (one film per owner and
--   title: the unique key lets "a show by title" find or create it safely).
-- * shows.film_id: nullable, so the previous release's owner-shows, which
--   inserts shows without it, keeps working; the trigger shows_film_by_title
--   fills it from the show's title for such inserts, and readers fall back to
--   the show's title where it is still NULL.
-- * show_prices: the price of each seat type for one show (all four types;
--   is_set = 0 where it derives from the base price). show_seats.price_cents
--   stays the price a hold sums, fixed per seat; a price change reprices only
--   FREE seats, and the trigger show_seats_price_on_free gives a seat held or
--   sold during the change the show's current price when it becomes FREE again.
--   Shows without rows here (older shows) keep their seats' prices as they are.

CREATE TABLE IF NOT EXISTS films (
  id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  owner_id     BIGINT NOT NULL,
  title        VARCHAR(200) NOT NULL,
  duration_min INT NOT NULL,
  rating       VARCHAR(16) NULL,
  description  TEXT NULL,
  poster_url   VARCHAR(1000) NULL,
  created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_films_owner_title (owner_id, title),
  KEY ix_films_title (title),
  CONSTRAINT fk_films_owner FOREIGN KEY (owner_id) REFERENCES users (id),
  CONSTRAINT ck_films_duration CHECK (duration_min BETWEEN 1 AND 600)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE shows
  ADD COLUMN IF NOT EXISTS film_id BIGINT NULL,
  ADD INDEX IF NOT EXISTS ix_shows_film (film_id, starts_at);
ALTER TABLE shows
  ADD CONSTRAINT fk_shows_film FOREIGN KEY IF NOT EXISTS (film_id) REFERENCES films (id);

CREATE TABLE IF NOT EXISTS show_prices (
  show_id     BIGINT NOT NULL,
  seat_type   ENUM('STANDARD','VIP','ACCESSIBLE','COMPANION') NOT NULL,
  price_cents INT NOT NULL,
  is_set      TINYINT(1) NOT NULL DEFAULT 1,  -- 0: derived from the base price
  PRIMARY KEY (show_id, seat_type),
  -- Cascades: the previous release deletes shows without knowing this table.
  CONSTRAINT fk_show_prices_show FOREIGN KEY (show_id) REFERENCES shows (id) ON DELETE CASCADE,
  CONSTRAINT ck_show_prices_price CHECK (price_cents >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Existing shows onto films: one film per (owner, title), its duration the
-- longest of its shows (capped to a film's bounds).
INSERT IGNORE INTO films (owner_id, title, duration_min)
  SELECT c.owner_id, MIN(sh.title),
         LEAST(600, GREATEST(1, MAX(TIMESTAMPDIFF(MINUTE, sh.starts_at, sh.ends_at))))
    FROM shows sh JOIN halls h ON h.id = sh.hall_id JOIN cinemas c ON c.id = h.cinema_id
   WHERE sh.film_id IS NULL
   GROUP BY c.owner_id, sh.title;
UPDATE shows sh JOIN halls h ON h.id = sh.hall_id JOIN cinemas c ON c.id = h.cinema_id
  JOIN films f ON f.owner_id = c.owner_id AND f.title = sh.title
   SET sh.film_id = f.id
 WHERE sh.film_id IS NULL;

DROP TRIGGER IF EXISTS shows_film_by_title;
DELIMITER //
-- A show inserted without a film (the previous release's owner-shows) gets
-- its owner's film of that title, created if missing. A trigger restores
-- LAST_INSERT_ID() when it ends, so the inserting client still reads the
-- show's id.
CREATE TRIGGER shows_film_by_title BEFORE INSERT ON shows FOR EACH ROW
BEGIN
  DECLARE v_owner BIGINT DEFAULT NULL;
  IF NEW.film_id IS NULL THEN
    SELECT c.owner_id INTO v_owner FROM halls h JOIN cinemas c ON c.id = h.cinema_id
     WHERE h.id = NEW.hall_id;
    IF v_owner IS NOT NULL THEN
      INSERT IGNORE INTO films (owner_id, title, duration_min)
        VALUES (v_owner, NEW.title,
                LEAST(600, GREATEST(1, TIMESTAMPDIFF(MINUTE, NEW.starts_at, NEW.ends_at))));
      SET NEW.film_id = (SELECT id FROM films WHERE owner_id = v_owner AND title = NEW.title);
    END IF;
  END IF;
END //
DELIMITER ;

DROP TRIGGER IF EXISTS show_seats_price_on_free;
DELIMITER //
-- A seat becoming FREE takes its show's current price for its type (a seat
-- held or sold while the price changed kept the price it was held at). Only
-- shows with show_prices rows; the seat map's layout is keyed by
-- seat_version, so a changed price bumps it. Holding a seat (FREE -> HELD)
-- costs one comparison here.
CREATE TRIGGER show_seats_price_on_free BEFORE UPDATE ON show_seats FOR EACH ROW
BEGIN
  DECLARE v_price INT DEFAULT NULL;
  IF NEW.status = 'FREE' AND OLD.status <> 'FREE' THEN
    SET v_price = (SELECT sp.price_cents FROM seats se
                     JOIN show_prices sp ON sp.show_id = NEW.show_id AND sp.seat_type = se.seat_type
                    WHERE se.id = NEW.seat_id);
    IF v_price IS NOT NULL AND v_price <> NEW.price_cents THEN
      SET NEW.price_cents = v_price;
      UPDATE shows SET seat_version = seat_version + 1 WHERE id = NEW.show_id;
    END IF;
  END IF;
END //
DELIMITER ;
