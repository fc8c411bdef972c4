-- The report documents the statistician builds: one row per version of a
-- trial's report on a cut, with both renderings as built (unwatermarked)
-- and their SHA-256, the cut's manifest hash, the software version and the
-- document model from which each personalised download is rendered.
-- Immutable: a version is never changed (only released, once) nor deleted;
-- rebuilding makes a new version. Applied by src/server/store/db.rs; see
-- src/server/store/reports.rs.

CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    trial           TEXT NOT NULL,
    cut_date        TEXT NOT NULL,
    audience        TEXT NOT NULL CHECK (audience IN ('open', 'closed-coded', 'closed')),
    version         INTEGER NOT NULL,
    manifest_sha256 TEXT,
    software        TEXT NOT NULL,
    built_by        TEXT NOT NULL,
    built_at        TEXT NOT NULL,
    document        TEXT NOT NULL,          -- the document model, JSON
    pdf             BLOB NOT NULL,
    pdf_sha256      TEXT NOT NULL,
    html            BLOB NOT NULL,
    html_sha256     TEXT NOT NULL,
    released_by     TEXT,
    released_at     TEXT,
    UNIQUE (trial, cut_date, audience, version)
);

CREATE INDEX reports_by_trial ON reports (trial, cut_date);

CREATE TRIGGER reports_only_released BEFORE UPDATE ON reports
WHEN OLD.released_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.trial IS NOT OLD.trial OR NEW.cut_date IS NOT OLD.cut_date
  OR NEW.audience IS NOT OLD.audience OR NEW.version IS NOT OLD.version
  OR NEW.manifest_sha256 IS NOT OLD.manifest_sha256 OR NEW.software IS NOT OLD.software
  OR NEW.built_by IS NOT OLD.built_by OR NEW.built_at IS NOT OLD.built_at
  OR NEW.document IS NOT OLD.document OR NEW.pdf IS NOT OLD.pdf
  OR NEW.pdf_sha256 IS NOT OLD.pdf_sha256 OR NEW.html IS NOT OLD.html
  OR NEW.html_sha256 IS NOT OLD.html_sha256
BEGIN SELECT RAISE(ABORT, 'a built report is immutable: only its release is recorded, once'); END;

CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
BEGIN SELECT RAISE(ABORT, 'reports are never deleted'); END;
