-- Failure model: leadership epochs, dead letters, requeued runs.

-- The orchestrator leader's epoch. Taking leadership bumps it (one row, row-locked); every
-- leader-only statement locks the row FOR SHARE and matches its epoch, so a deposed leader that
-- wakes up late changes nothing.
CREATE TABLE leadership (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch      bigint NOT NULL,
  leader_id  text NOT NULL,
  since      timestamptz NOT NULL
);
INSERT INTO leadership (singleton, epoch, leader_id, since) VALUES (true, 0, '', now());

-- A job whose lost-attempt budget ran out. Written by the database itself when a job becomes
-- QUARANTINED (whichever statement did it), never changed afterwards; the spec and the attempts
-- (with why each was lost) are read from jobs and attempts.
CREATE TABLE dead_letters (
  job_id         uuid PRIMARY KEY REFERENCES jobs (id),
  run_id         uuid NOT NULL REFERENCES runs (id),
  quarantined_at timestamptz NOT NULL,
  reason         text NOT NULL
);
CREATE INDEX dead_letters_at ON dead_letters (quarantined_at DESC);

CREATE FUNCTION jobs_dead_letter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dead_letters (job_id, run_id, quarantined_at, reason)
  VALUES (NEW.id, NEW.run_id, coalesce(NEW.ended_at, now()), coalesce(NEW.reason, 'lost_too_often'));
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_dead_letter AFTER UPDATE OF state ON jobs
  FOR EACH ROW WHEN (NEW.state = 'QUARANTINED' AND OLD.state IS DISTINCT FROM 'QUARANTINED')
  EXECUTE FUNCTION jobs_dead_letter();

CREATE FUNCTION dead_letters_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'dead letters are never changed or deleted' USING ERRCODE = 'RT002';
END $$;
CREATE TRIGGER dead_letters_append_only BEFORE UPDATE OR DELETE ON dead_letters
  FOR EACH ROW EXECUTE FUNCTION dead_letters_refuse_change();

-- A run created by requeueing a dead letter points to the job it retries.
ALTER TABLE runs ADD COLUMN requeue_of uuid REFERENCES jobs (id);
CREATE INDEX runs_requeue_of ON runs (requeue_of) WHERE requeue_of IS NOT NULL;
