-- The DSMB's meetings: the cut reviewed, attendees, open and closed minutes,
-- the recommendation and its rationale, signed by the chair. A signed
-- record is immutable: corrections are new records that name the one they
-- amend. Applied by src/server/store/db.rs; see src/server/store/meetings.rs.

-- The chair of a trial's DSMB (a DSMB member of the trial), who signs.
ALTER TABLE roles ADD COLUMN chair INTEGER NOT NULL DEFAULT 0;

CREATE TABLE meetings (
    id                  INTEGER PRIMARY KEY,
    trial               TEXT NOT NULL,
    meeting_date        TEXT NOT NULL,          -- YYYY-MM-DD
    cut_date            TEXT NOT NULL,          -- the cut reviewed
    open_attendees      TEXT NOT NULL,
    closed_attendees    TEXT NOT NULL,
    open_minutes        TEXT NOT NULL,
    closed_minutes      TEXT NOT NULL,
    recommendation      TEXT NOT NULL CHECK (recommendation IN
        ('continue', 'modify', 'pause_enrollment', 'stop_efficacy', 'stop_futility', 'stop_harm')),
    recommendation_text TEXT NOT NULL,
    rationale           TEXT NOT NULL,
    amends              INTEGER REFERENCES meetings(id),
    created_by          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    signed_by           TEXT,
    signed_at           TEXT,
    signature_meaning   TEXT,
    -- SHA-256 over the record's fields as signed.
    signature_hash      TEXT
);

CREATE INDEX meetings_by_trial ON meetings (trial, meeting_date);

CREATE TRIGGER meetings_signed_are_immutable BEFORE UPDATE ON meetings
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed meeting record is immutable'); END;

CREATE TRIGGER meetings_no_delete BEFORE DELETE ON meetings
BEGIN SELECT RAISE(ABORT, 'meeting records are never deleted'); END;
