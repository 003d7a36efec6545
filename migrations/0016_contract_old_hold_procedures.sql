-- Contract: the hold procedures no supported release calls. 0.10.0 (the last
-- release, RELEASES) and this tree call place_hold_v3 only, whose one source
-- is now common/adapters/sql/place_hold.sql, re-applied by scripts/migrate.
-- place_hold (0003, 0004) was called by releases before 0.9.0 and
-- place_hold_v2 (0008) by 0.9.0.
DROP PROCEDURE IF EXISTS place_hold;
DROP PROCEDURE IF EXISTS place_hold_v2;
