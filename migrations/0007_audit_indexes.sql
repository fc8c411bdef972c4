-- The audit trail is read filtered (by user, action or trial) and newest
-- first, in SQL (src/server/store/audit.rs `entries`): an index for each
-- filter, ordered by id, so a filter over a long trail reads only its own
-- entries. Applied by src/server/store/db.rs.

CREATE INDEX audit_by_user ON audit (username, id);
CREATE INDEX audit_by_action ON audit (action, id);
CREATE INDEX audit_by_trial ON audit (trial, id);
