-- The audit chain becomes keyed: each new entry's hash is HMAC-SHA-256 with a
-- key kept outside this database (so a copy of the file cannot re-chain a
-- rewritten entry), and a signed checkpoint of the last entry, also kept
-- outside, catches a trail cut short. Entries written before this migration
-- keep their plain SHA-256 chain (keyed = 0); `dsmb audit verify` checks
-- both. Applied by src/server/store/db.rs.

ALTER TABLE audit ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;

-- INSERT OR REPLACE (and REPLACE) on an existing id would rewrite a row
-- without firing the delete trigger: refuse any insert of an id in use.
CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

-- A session belongs to one sign-in; older sessions of a user are ended when
-- the user signs in again beyond the limit (src/server/store/sessions.rs).
CREATE INDEX sessions_by_user ON sessions (user_id, created_at);
