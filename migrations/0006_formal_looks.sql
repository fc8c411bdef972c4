-- The cuts the independent statistician declared, in the app, as formal
-- looks of a trial's group-sequential design (beside those its trial.toml
-- declares). A declaration is never changed or removed: a look is
-- declared once, at one cut, and a cut is at most one look.
-- Applied by src/server/store/db.rs; see src/server/store/looks.rs.

CREATE TABLE formal_looks (
    trial TEXT NOT NULL,
    look INTEGER NOT NULL CHECK (look >= 1),
    cut TEXT NOT NULL,
    declared_by TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    PRIMARY KEY (trial, look),
    UNIQUE (trial, cut)
);
