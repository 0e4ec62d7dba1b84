-- Projections rebuilt by replay (the reach_replay schema and its functions: migration V006).
-- The rebuild runs on one connection: the replay first without holding anything back, then, in one
-- transaction with the live tables locked, the events that came since, the comparison and (unless
-- it is a dry run) the swap of every differing row. Transitions write runs, jobs, attempts or
-- dead_letters in the same transaction as their event, so while the EXCLUSIVE lock is held none can
-- commit, and every one that committed before is in the replay: no job can move backwards.

-- name: try_lock
-- One rebuild at a time in the whole cluster (session-level advisory lock on this connection).
-- $1 lock key
SELECT pg_try_advisory_lock($1) AS locked;

-- name: unlock
-- $1 lock key
SELECT pg_advisory_unlock($1) AS unlocked;

-- name: limits
-- Timeouts of this transaction only: the statement timeout of the replay, and how long to wait for
-- the lock on the live tables (a lock request that waits blocks every transition queued behind it).
-- $1 statement timeout ms, $2 lock timeout ms
SELECT set_config('statement_timeout', $1::text, true), set_config('lock_timeout', $2::text, true);

-- name: reset
SELECT reach_replay.reset();

-- name: catch_up
SELECT reach_replay.catch_up() AS applied, (SELECT applied_through FROM reach_replay.progress) AS through;

-- name: hold_transitions
-- Writers wait (ROW EXCLUSIVE and FOR UPDATE conflict with EXCLUSIVE); plain reads go on.
LOCK TABLE runs, jobs, attempts, dead_letters IN EXCLUSIVE MODE;

-- name: difference_counts
-- Per table: rows only in the replay (missing from the live table), only in the live table (extra),
-- and in both but different (changed).
SELECT 'runs' AS tbl,
       count(*) FILTER (WHERE l.id IS NULL) AS missing,
       count(*) FILTER (WHERE r.id IS NULL) AS extra,
       count(*) FILTER (WHERE l.id IS NOT NULL AND r.id IS NOT NULL) AS changed
  FROM runs l FULL JOIN reach_replay.runs r ON r.id = l.id
 WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(r)
UNION ALL
SELECT 'jobs',
       count(*) FILTER (WHERE l.id IS NULL), count(*) FILTER (WHERE r.id IS NULL),
       count(*) FILTER (WHERE l.id IS NOT NULL AND r.id IS NOT NULL)
  FROM jobs l FULL JOIN reach_replay.jobs r ON r.id = l.id
 WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(r)
UNION ALL
SELECT 'attempts',
       count(*) FILTER (WHERE l.job_id IS NULL), count(*) FILTER (WHERE r.job_id IS NULL),
       count(*) FILTER (WHERE l.job_id IS NOT NULL AND r.job_id IS NOT NULL)
  FROM attempts l FULL JOIN reach_replay.attempts r ON r.job_id = l.job_id AND r.number = l.number
 WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(r)
UNION ALL
SELECT 'dead_letters',
       count(*) FILTER (WHERE l.job_id IS NULL), count(*) FILTER (WHERE r.job_id IS NULL),
       count(*) FILTER (WHERE l.job_id IS NOT NULL AND r.job_id IS NOT NULL)
  FROM dead_letters l FULL JOIN reach_replay.dead_letters r ON r.job_id = l.job_id
 WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(r);

-- name: differences
-- The differing rows themselves, whole (null on the side that has none), by table and key.
-- $1 limit
SELECT * FROM (
  SELECT 'runs' AS tbl, coalesce(l.id, r.id)::text AS key, to_jsonb(l) AS live, to_jsonb(r) AS rebuilt
    FROM runs l FULL JOIN reach_replay.runs r ON r.id = l.id
   WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(r)
  UNION ALL
  SELECT 'jobs', coalesce(l.id, r.id)::text, to_jsonb(l), to_jsonb(r)
    FROM jobs l FULL JOIN reach_replay.jobs r ON r.id = l.id
   WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(r)
  UNION ALL
  SELECT 'attempts', coalesce(l.job_id, r.job_id)::text || '#' || coalesce(l.number, r.number), to_jsonb(l), to_jsonb(r)
    FROM attempts l FULL JOIN reach_replay.attempts r ON r.job_id = l.job_id AND r.number = l.number
   WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(r)
  UNION ALL
  SELECT 'dead_letters', coalesce(l.job_id, r.job_id)::text, to_jsonb(l), to_jsonb(r)
    FROM dead_letters l FULL JOIN reach_replay.dead_letters r ON r.job_id = l.job_id
   WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(r)
) d
ORDER BY tbl, key
LIMIT $1;

-- The swap, in this order (foreign keys: runs <- jobs <- attempts, dead_letters; runs.requeue_of -> jobs).
-- The guards that refuse changes to terminal jobs and to dead letters, and the trigger that writes
-- dead letters, are off for this transaction only (nobody else can write while the lock is held):
-- the replay is the authority here, and it writes the dead letters itself.

-- name: swap_guards_off
ALTER TABLE jobs DISABLE TRIGGER jobs_transition_guard, DISABLE TRIGGER jobs_dead_letter;

-- name: swap_dead_letter_guard_off
ALTER TABLE dead_letters DISABLE TRIGGER dead_letters_append_only;

-- name: swap_insert_runs
-- requeue_of is set by swap_update_runs, once the jobs it points to are in.
INSERT INTO runs (id, name, idempotency_key, fingerprint, job_count, cancel_requested_at, created_at, purged_at)
SELECT r.id, r.name, r.idempotency_key, r.fingerprint, r.job_count, r.cancel_requested_at, r.created_at, r.purged_at
  FROM reach_replay.runs r
 WHERE NOT EXISTS (SELECT 1 FROM runs l WHERE l.id = r.id);

-- name: swap_insert_jobs
INSERT INTO jobs (id, run_id, name, spec, labels, state, attempt, lease_token, runner_id, incarnation, lease_expires_at,
                  failed_attempts, lost_attempts, max_attempts, max_lost_attempts, exit_code, reason, queued_at,
                  updated_at, ended_at)
SELECT r.id, r.run_id, r.name, r.spec, r.labels, r.state, r.attempt, r.lease_token, r.runner_id, r.incarnation,
       r.lease_expires_at, r.failed_attempts, r.lost_attempts, r.max_attempts, r.max_lost_attempts, r.exit_code,
       r.reason, r.queued_at, r.updated_at, r.ended_at
  FROM reach_replay.jobs r
 WHERE NOT EXISTS (SELECT 1 FROM jobs l WHERE l.id = r.id);

-- name: swap_update_jobs
UPDATE jobs l
   SET (run_id, name, spec, labels, state, attempt, lease_token, runner_id, incarnation, lease_expires_at,
        failed_attempts, lost_attempts, max_attempts, max_lost_attempts, exit_code, reason, queued_at, updated_at,
        ended_at)
     = (r.run_id, r.name, r.spec, r.labels, r.state, r.attempt, r.lease_token, r.runner_id, r.incarnation,
        r.lease_expires_at, r.failed_attempts, r.lost_attempts, r.max_attempts, r.max_lost_attempts, r.exit_code,
        r.reason, r.queued_at, r.updated_at, r.ended_at)
  FROM reach_replay.jobs r
 WHERE r.id = l.id AND to_jsonb(l) IS DISTINCT FROM to_jsonb(r);

-- name: swap_update_runs
UPDATE runs l
   SET (name, idempotency_key, fingerprint, job_count, cancel_requested_at, created_at, requeue_of, purged_at)
     = (r.name, r.idempotency_key, r.fingerprint, r.job_count, r.cancel_requested_at, r.created_at, r.requeue_of,
        r.purged_at)
  FROM reach_replay.runs r
 WHERE r.id = l.id AND to_jsonb(l) IS DISTINCT FROM to_jsonb(r);

-- name: swap_insert_attempts
INSERT INTO attempts (job_id, number, token, runner_id, incarnation, claim_request, claim_seq, state, reason, exit_code,
                      log, leased_at, started_at, spawned_at, ended_at)
SELECT r.job_id, r.number, r.token, r.runner_id, r.incarnation, r.claim_request, r.claim_seq, r.state, r.reason,
       r.exit_code, r.log, r.leased_at, r.started_at, r.spawned_at, r.ended_at
  FROM reach_replay.attempts r
 WHERE NOT EXISTS (SELECT 1 FROM attempts l WHERE l.job_id = r.job_id AND l.number = r.number);

-- name: swap_update_attempts
UPDATE attempts l
   SET (token, runner_id, incarnation, claim_request, claim_seq, state, reason, exit_code, log, leased_at, started_at,
        spawned_at, ended_at)
     = (r.token, r.runner_id, r.incarnation, r.claim_request, r.claim_seq, r.state, r.reason, r.exit_code, r.log,
        r.leased_at, r.started_at, r.spawned_at, r.ended_at)
  FROM reach_replay.attempts r
 WHERE r.job_id = l.job_id AND r.number = l.number AND to_jsonb(l) IS DISTINCT FROM to_jsonb(r);

-- name: swap_delete_dead_letters
-- Dead letters that differ or that the replay does not have (the right ones are inserted next).
DELETE FROM dead_letters l
 WHERE NOT EXISTS (SELECT 1 FROM reach_replay.dead_letters r WHERE r.job_id = l.job_id AND to_jsonb(r) = to_jsonb(l));

-- name: swap_insert_dead_letters
INSERT INTO dead_letters (job_id, run_id, quarantined_at, reason)
SELECT r.job_id, r.run_id, r.quarantined_at, r.reason
  FROM reach_replay.dead_letters r
 WHERE NOT EXISTS (SELECT 1 FROM dead_letters l WHERE l.job_id = r.job_id);

-- name: swap_delete_attempts
DELETE FROM attempts l
 WHERE NOT EXISTS (SELECT 1 FROM reach_replay.attempts r WHERE r.job_id = l.job_id AND r.number = l.number);

-- name: swap_delete_jobs
DELETE FROM jobs l WHERE NOT EXISTS (SELECT 1 FROM reach_replay.jobs r WHERE r.id = l.id);

-- name: swap_delete_runs
DELETE FROM runs l WHERE NOT EXISTS (SELECT 1 FROM reach_replay.runs r WHERE r.id = l.id);

-- name: swap_guards_on
ALTER TABLE jobs ENABLE TRIGGER jobs_transition_guard, ENABLE TRIGGER jobs_dead_letter;

-- name: swap_dead_letter_guard_on
ALTER TABLE dead_letters ENABLE TRIGGER dead_letters_append_only;

-- name: record
-- The rebuild (or the dry run) in the event log, with who asked, why and what it found.
-- $1 type, $2 payload
INSERT INTO events (type, payload) VALUES ($1, $2::jsonb) RETURNING seq;
