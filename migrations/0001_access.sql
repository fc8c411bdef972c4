-- Users, their role on each trial, sessions, the DSMB's coded arm groups and
-- decodes, and the append-only audit trail. Applied once, in order, by
-- src/server/store.rs (schema_version records the last one applied).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,          -- argon2id PHC string
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE roles (
    user_id INTEGER NOT NULL REFERENCES users(id),
    trial   TEXT NOT NULL,
    role    TEXT NOT NULL CHECK (role IN ('dsmb', 'statistician', 'sponsor')),
    PRIMARY KEY (user_id, trial)
);

-- Only the SHA-256 of a session token is stored: a copy of the database
-- does not hand out live sessions.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,          -- unix seconds
    last_seen  INTEGER NOT NULL,
    ended      INTEGER NOT NULL DEFAULT 0
);

-- The DSMB sees arms as coded groups; the code is random per trial and kept
-- here with the access data, beside the randomization key, never in a cut.
CREATE TABLE arm_codes (
    trial TEXT NOT NULL,
    arm   TEXT NOT NULL,
    code  TEXT NOT NULL,
    PRIMARY KEY (trial, arm),
    UNIQUE (trial, code)
);

-- A DSMB member's confirmed decode of a trial's groups.
CREATE TABLE decodes (
    user_id INTEGER NOT NULL REFERENCES users(id),
    trial   TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (user_id, trial)
);

-- Each entry's hash is SHA-256 over the previous entry's hash and this
-- entry's fields; `dsmb audit verify` recomputes the chain.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    username  TEXT NOT NULL,
    action    TEXT NOT NULL,
    trial     TEXT NOT NULL,
    detail    TEXT NOT NULL,
    address   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
