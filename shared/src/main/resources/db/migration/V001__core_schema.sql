-- Reach core schema: runs, jobs, attempts, runners, append-only events.
-- Migrations are numbered and never edited once landed.

CREATE TYPE job_state AS ENUM ('QUEUED', 'LEASED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'QUARANTINED');

-- Lease tokens: database-wide, only grow. One per attempt (lease grant).
CREATE SEQUENCE lease_token_seq AS bigint START 1;

CREATE TABLE runs (
  id                  uuid PRIMARY KEY,
  name                text NOT NULL,
  idempotency_key     text UNIQUE,
  fingerprint         text NOT NULL,
  job_count           int  NOT NULL CHECK (job_count > 0),
  cancel_requested_at timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX runs_created_at ON runs (created_at DESC);

CREATE TABLE jobs (
  id                uuid PRIMARY KEY,
  run_id            uuid NOT NULL REFERENCES runs (id),
  name              text NOT NULL,
  spec              jsonb NOT NULL,
  labels            text[] NOT NULL DEFAULT '{}',
  state             job_state NOT NULL DEFAULT 'QUEUED',
  attempt           int NOT NULL DEFAULT 0,          -- number of the latest attempt (0: never leased)
  lease_token       bigint,                          -- token of the latest attempt
  runner_id         text,
  incarnation       text,
  lease_expires_at  timestamptz,                     -- database clock; set only while LEASED/RUNNING
  failed_attempts   int NOT NULL DEFAULT 0,          -- the job's own failures (non-zero exit, timeout)
  lost_attempts     int NOT NULL DEFAULT 0,          -- attempts lost to infrastructure
  max_attempts      int NOT NULL CHECK (max_attempts >= 1),
  max_lost_attempts int NOT NULL CHECK (max_lost_attempts >= 1),
  exit_code         int,
  reason            text,
  queued_at         timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  ended_at          timestamptz,
  UNIQUE (run_id, name),
  CONSTRAINT jobs_lease_only_while_leased
    CHECK ((state IN ('LEASED', 'RUNNING')) = (lease_expires_at IS NOT NULL)),
  CONSTRAINT jobs_leased_has_token
    CHECK (state NOT IN ('LEASED', 'RUNNING') OR (lease_token IS NOT NULL AND runner_id IS NOT NULL))
);
CREATE INDEX jobs_queued ON jobs (queued_at, id) WHERE state = 'QUEUED';
CREATE INDEX jobs_lease_expiry ON jobs (lease_expires_at) WHERE state IN ('LEASED', 'RUNNING');
CREATE INDEX jobs_lease_token ON jobs (lease_token) WHERE lease_token IS NOT NULL;
CREATE INDEX jobs_runner ON jobs (runner_id) WHERE state IN ('LEASED', 'RUNNING');

-- The legal transitions; the same table as dev.reach.shared.job.Transitions (a test compares them).
CREATE TABLE job_transitions (
  from_state job_state NOT NULL,
  to_state   job_state NOT NULL,
  PRIMARY KEY (from_state, to_state)
);
INSERT INTO job_transitions (from_state, to_state) VALUES
  ('QUEUED', 'LEASED'), ('QUEUED', 'CANCELLED'), ('QUEUED', 'FAILED'),
  ('LEASED', 'RUNNING'), ('LEASED', 'QUEUED'), ('LEASED', 'SUCCEEDED'), ('LEASED', 'FAILED'),
  ('LEASED', 'CANCELLED'), ('LEASED', 'QUARANTINED'),
  ('RUNNING', 'SUCCEEDED'), ('RUNNING', 'FAILED'), ('RUNNING', 'QUEUED'), ('RUNNING', 'CANCELLED'),
  ('RUNNING', 'QUARANTINED');

-- Refuses any state change not in job_transitions, and any change at all to a terminal job.
CREATE FUNCTION jobs_transition_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'QUARANTINED') THEN
    RAISE EXCEPTION USING ERRCODE = 'RT001',
      MESSAGE = format('illegal job transition: job %s is terminal (%s)', OLD.id, OLD.state);
  END IF;
  IF NEW.state IS DISTINCT FROM OLD.state AND NOT EXISTS (
      SELECT 1 FROM job_transitions t WHERE t.from_state = OLD.state AND t.to_state = NEW.state) THEN
    RAISE EXCEPTION USING ERRCODE = 'RT001',
      MESSAGE = format('illegal job transition %s -> %s for job %s', OLD.state, NEW.state, OLD.id);
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER jobs_transition_guard BEFORE UPDATE ON jobs
  FOR EACH ROW EXECUTE FUNCTION jobs_transition_guard();

CREATE TABLE attempts (
  job_id        uuid NOT NULL REFERENCES jobs (id),
  number        int NOT NULL CHECK (number >= 1),
  token         bigint NOT NULL UNIQUE,
  runner_id     text NOT NULL,
  incarnation   text NOT NULL,
  claim_request text NOT NULL,
  claim_seq     bigint NOT NULL,
  state         text NOT NULL
    CHECK (state IN ('LEASED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'LOST', 'CANCELLED', 'RELEASED')),
  reason        text,
  exit_code     int,
  log           jsonb,
  leased_at     timestamptz NOT NULL,
  started_at    timestamptz,
  spawned_at    timestamptz,
  ended_at      timestamptz,
  PRIMARY KEY (job_id, number)
);
CREATE INDEX attempts_claim_request ON attempts (claim_request);

CREATE TABLE runners (
  id                text PRIMARY KEY,
  incarnation       text NOT NULL,
  slots             int NOT NULL,
  labels            text[] NOT NULL DEFAULT '{}',
  first_seen_at     timestamptz NOT NULL,
  last_heartbeat_at timestamptz NOT NULL
);

-- Append-only: every transition inserts its event in the same transaction. Payloads carry all a
-- replay needs (full specs at submission, tokens, runner and incarnation, reasons).
CREATE TABLE events (
  seq     bigserial PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  type    text NOT NULL,
  run_id  uuid,
  job_id  uuid,
  token   bigint,
  payload jsonb NOT NULL
);
CREATE INDEX events_run ON events (run_id, seq) WHERE run_id IS NOT NULL;

CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'RT002', MESSAGE = format('events are append-only: %s refused', TG_OP);
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

-- A run's state, derived from its jobs: QUEUED until a job was leased, RUNNING while any job is
-- unfinished, then SUCCEEDED / CANCELLED / FAILED (dev.reach.shared.job.RunState).
CREATE VIEW run_states AS
SELECT r.id AS run_id,
       CASE
         WHEN bool_or(j.state IN ('QUEUED', 'LEASED', 'RUNNING')) THEN
           CASE WHEN bool_and(j.state = 'QUEUED' AND j.attempt = 0) THEN 'QUEUED' ELSE 'RUNNING' END
         WHEN bool_and(j.state = 'SUCCEEDED') THEN 'SUCCEEDED'
         WHEN r.cancel_requested_at IS NOT NULL THEN 'CANCELLED'
         ELSE 'FAILED'
       END AS state
  FROM runs r
  JOIN jobs j ON j.run_id = r.id
 GROUP BY r.id;

-- Artifact store metadata: an attempt's log (sealed with its sha256) and its stored files.
CREATE TABLE attempt_logs (
  job_id    uuid NOT NULL,
  attempt   int NOT NULL,
  token     bigint NOT NULL,
  size      bigint NOT NULL,
  sha256    text NOT NULL,
  truncated boolean NOT NULL DEFAULT false,
  sealed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, attempt)
);

CREATE TABLE artifacts (
  job_id    uuid NOT NULL,
  attempt   int NOT NULL,
  token     bigint NOT NULL,
  path      text NOT NULL,
  sha256    text NOT NULL,
  size      bigint NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, attempt, path)
);
