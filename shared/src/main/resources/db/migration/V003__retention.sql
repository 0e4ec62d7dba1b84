-- Retention: the leader purges the logs and artifacts of runs that finished long enough ago.
-- The run, its jobs, attempts and events stay; only the bulky side effects go, and the run says
-- when they went. Blobs are content-addressed and shared between artifacts, so a blob is deleted
-- only when no artifact row refers to it any more (hence the index).

ALTER TABLE runs ADD COLUMN purged_at timestamptz;
CREATE INDEX runs_retention_candidates ON runs (created_at) WHERE purged_at IS NULL;

CREATE INDEX artifacts_sha256 ON artifacts (sha256);

-- Which installation this database is. The artifact store writes it beside its files the first
-- time it collects orphans and refuses to collect anything when the database it talks to is a
-- different one (a wrong REACH_DB_URL must never make every blob look unreferenced).
CREATE TABLE installation (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  id         uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO installation (id) VALUES (gen_random_uuid());
