-- Runs: submission, reads, cancellation. $now parameters are NULL in production (database
-- clock) and fixed in tests.

-- name: insert_run
-- Inserts the run, its jobs and the run_submitted event in one statement. Returns no row when the
-- idempotency key was already used (the caller then reads the earlier run).
-- A requeue of a dead letter ($7: the quarantined job) links the new run to it and appends a
-- dead_letter_requeued event naming who asked ($8) and why ($9); the dead letter itself is never changed.
-- $1 run id, $2 name, $3 idempotency key (nullable), $4 fingerprint, $5 jobs jsonb [{job_id, spec}], $6 now,
-- $7 requeue of job id (nullable), $8 actor (requeues), $9 reason (requeues, nullable),
-- $10 the submitting token's id (nullable: auth off)
-- $11 sealed secrets jsonb [{name, key_id, nonce, ciphertext}] (base64; never plaintext), $12 environment.
-- The event names the environment and the secrets, never a value.
WITH run AS (
  INSERT INTO runs (id, name, idempotency_key, fingerprint, job_count, created_at, requeue_of)
  VALUES ($1, $2, $3, $4, jsonb_array_length($5::jsonb), coalesce($6::timestamptz, now()), $7::uuid)
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING id, created_at
), new_jobs AS (
  INSERT INTO jobs (id, run_id, name, spec, labels, max_attempts, max_lost_attempts, queued_at, updated_at)
  SELECT (j->>'job_id')::uuid, run.id, j->'spec'->>'name', j->'spec',
         ARRAY(SELECT jsonb_array_elements_text(j->'spec'->'labels')),
         (j->'spec'->>'max_attempts')::int, (j->'spec'->>'max_lost_attempts')::int,
         run.created_at, run.created_at
    FROM run, jsonb_array_elements($5::jsonb) AS j
  RETURNING 1
), submitter AS (
  INSERT INTO run_submitters (run_id, token_id)
  SELECT run.id, $10::uuid FROM run WHERE $10::uuid IS NOT NULL
), run_environment AS (
  INSERT INTO run_environments (run_id, environment)
  SELECT run.id, $12::text FROM run
), sealed_secrets AS (
  INSERT INTO run_secrets (run_id, name, key_id, nonce, ciphertext)
  SELECT run.id, s->>'name', s->>'key_id', decode(s->>'nonce', 'base64'), decode(s->>'ciphertext', 'base64')
    FROM run, jsonb_array_elements($11::jsonb) AS s
), event AS (
  INSERT INTO events (type, run_id, payload, at)
  SELECT 'run_submitted', run.id,
         jsonb_build_object('run_id', run.id, 'name', $2::text, 'idempotency_key', $3::text,
                            'fingerprint', $4::text, 'jobs', $5::jsonb, 'requeue_of', $7::uuid,
                            'environment', $12::text,
                            'secret_names', (SELECT coalesce(jsonb_agg(s->>'name' ORDER BY s->>'name'), '[]'::jsonb)
                                               FROM jsonb_array_elements($11::jsonb) AS s))
           || CASE WHEN $10::uuid IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('submitted_by', $10::uuid) END,
         run.created_at
    FROM run
  UNION ALL
  SELECT 'dead_letter_requeued', d.run_id,
         jsonb_build_object('job_id', d.job_id, 'run_id', d.run_id, 'new_run_id', run.id,
                            'actor', $8::text, 'reason', $9::text),
         run.created_at
    FROM run JOIN dead_letters d ON d.job_id = $7::uuid
)
SELECT id, (SELECT count(*) FROM new_jobs) AS jobs FROM run;

-- name: run_by_idempotency_key
SELECT id, fingerprint FROM runs WHERE idempotency_key = $1;

-- name: get_run
-- The API shape of one run, built where the data is.
SELECT jsonb_build_object(
         'id', r.id,
         'name', r.name,
         'state', s.state,
         'created_at', r.created_at,
         'cancel_requested_at', r.cancel_requested_at,
         'purged_at', r.purged_at,
         'jobs', (
           SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'id', j.id,
                    'name', j.name,
                    'state', j.state,
                    'exit_code', j.exit_code,
                    'reason', j.reason,
                    'attempt', j.attempt,
                    'failed_attempts', j.failed_attempts,
                    'lost_attempts', j.lost_attempts,
                    'max_attempts', j.max_attempts,
                    'max_lost_attempts', j.max_lost_attempts,
                    'lease_expires_at', j.lease_expires_at,
                    'command', j.spec->'command',
                    'timeout_seconds', j.spec->'timeout_seconds',
                    'labels', j.spec->'labels',
                    'artifacts', j.spec->'artifacts',
                    'ended_at', j.ended_at,
                    'attempts', (
                      SELECT coalesce(jsonb_agg(jsonb_build_object(
                               'number', a.number,
                               'token', a.token,
                               'runner', a.runner_id,
                               'incarnation', a.incarnation,
                               'state', a.state,
                               'reason', a.reason,
                               'exit_code', a.exit_code,
                               'leased_at', a.leased_at,
                               'started_at', a.started_at,
                               'ended_at', a.ended_at,
                               'log', a.log) ORDER BY a.number), '[]'::jsonb)
                        FROM attempts a WHERE a.job_id = j.id)
                  ) ORDER BY j.name), '[]'::jsonb)
             FROM jobs j WHERE j.run_id = r.id)
       ) AS run
  FROM runs r
  JOIN run_states s ON s.run_id = r.id
 WHERE r.id = $1;

-- name: list_runs
-- $1 state filter (nullable), $2 limit
SELECT r.id, r.name, s.state, r.created_at, r.job_count
  FROM runs r
  JOIN run_states s ON s.run_id = r.id
 WHERE $1::text IS NULL OR s.state = $1::text
 ORDER BY r.created_at DESC, r.id
 LIMIT $2;

-- name: cancel_run
-- Ends every unfinished job of the run CANCELLED (attempts too) with one run_cancelled event, in
-- one statement. Returns no row for an unknown run; killed lists the tokens whose processes the
-- runners must kill. A finished run is left as it is.
-- $1 run id, $2 now
WITH victims AS (
  SELECT j.id, j.state AS old_state, j.lease_token
    FROM jobs j
   WHERE j.run_id = $1 AND j.state IN ('QUEUED', 'LEASED', 'RUNNING')
   ORDER BY j.id
     FOR UPDATE
), marked AS (
  UPDATE runs SET cancel_requested_at = coalesce(cancel_requested_at, coalesce($2::timestamptz, now()))
   WHERE id = $1 AND EXISTS (SELECT 1 FROM victims)
  RETURNING id
), cancelled AS (
  UPDATE jobs j
     SET state = 'CANCELLED', reason = 'cancelled', lease_expires_at = NULL,
         ended_at = coalesce($2::timestamptz, now()), updated_at = coalesce($2::timestamptz, now())
    FROM victims v
   WHERE j.id = v.id
  RETURNING j.id, v.old_state, v.lease_token
), cancelled_attempts AS (
  UPDATE attempts a
     SET state = 'CANCELLED', reason = 'cancelled', ended_at = coalesce($2::timestamptz, now())
    FROM cancelled c
   WHERE c.old_state IN ('LEASED', 'RUNNING') AND a.token = c.lease_token
), event AS (
  INSERT INTO events (type, run_id, payload, at)
  SELECT 'run_cancelled', $1,
         jsonb_build_object('run_id', $1::uuid, 'jobs',
           jsonb_agg(jsonb_build_object('job_id', c.id, 'from', c.old_state,
                     'token', CASE WHEN c.old_state IN ('LEASED', 'RUNNING') THEN c.lease_token END))),
         coalesce($2::timestamptz, now())
    FROM cancelled c
  HAVING count(*) > 0
)
SELECT r.id,
       (SELECT count(*) FROM cancelled) AS cancelled_jobs,
       (SELECT coalesce(array_agg(c.lease_token), '{}') FROM cancelled c
         WHERE c.old_state IN ('LEASED', 'RUNNING')) AS killed
  FROM runs r
 WHERE r.id = $1;

-- name: run_state
SELECT state FROM run_states WHERE run_id = $1;

-- name: run_submitter
-- The token a run was submitted with; no row when it was submitted with auth off. Also no row for an unknown run.
-- $1 run id
SELECT r.id, s.token_id FROM runs r LEFT JOIN run_submitters s ON s.run_id = r.id WHERE r.id = $1;
