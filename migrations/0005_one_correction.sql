-- A record of the board's work never forks: a meeting record is corrected
-- by at most one later record. Concurrent corrections of one record leave
-- exactly one (the others fail on this index inside their transaction).
-- Applied by src/server/store/db.rs; see src/server/store/meetings.rs.

CREATE UNIQUE INDEX meetings_one_correction ON meetings (amends) WHERE amends IS NOT NULL;
