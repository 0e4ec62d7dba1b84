-- Job transitions. Each statement is one conditional UPDATE guarded by the expected state and the
-- lease token, plus its event insert (and the attempt row), in one statement = one transaction.
-- Lease arithmetic uses only the database clock: coalesce($now, now()) with $now NULL in
-- production and fixed in tests.

-- name: claim
-- Leases up to $6 queued jobs whose labels the runner has. A retried claim (same request id $1)
-- returns the leases it granted the first time instead of new ones (granted = false: not counted
-- again as grants in the metrics).
-- Crash attribution: a job on its last strike (lost before, and one more loss would quarantine it)
-- runs alone — only a runner incarnation that holds no lease gets it, it gets nothing else in that
-- claim, and while it holds it, it gets nothing more. So a poison pill that kills its runner is
-- quarantined, and its innocent neighbours run their last attempt without it.
-- After a restore (a database generation above 0) nothing is granted for one lease TTL from the
-- generation's start: an attempt the lost database granted after the backup, or renewed past the
-- restored expiry, may still run until its runner fences itself (within a TTL of its last renewal,
-- which came before the restore); a job granted again before then would run twice at once.
-- $1 claim request id, $2 runner id, $3 incarnation, $4 claim seq, $5 runner labels, $6 limit,
-- $7 ttl ms, $8 now
WITH prior AS (
  SELECT a.job_id, a.token FROM attempts a WHERE a.claim_request = $1
), restore_fence AS (
  SELECT 1 FROM db_generation g
   WHERE g.id = 1 AND g.generation > 0
     AND coalesce($8::timestamptz, now()) < g.changed_at + $7 * interval '1 millisecond'
), holding AS (
  SELECT count(*) AS leases,
         count(*) FILTER (WHERE h.lost_attempts > 0 AND h.lost_attempts + 1 >= h.max_lost_attempts) AS solo
    FROM jobs h
   WHERE h.runner_id = $2 AND h.incarnation = $3 AND h.state IN ('LEASED', 'RUNNING')
), solo_pick AS (
  SELECT j.id
    FROM jobs j
   WHERE j.state = 'QUEUED'
     AND j.lost_attempts > 0 AND j.lost_attempts + 1 >= j.max_lost_attempts
     AND j.labels <@ $5::text[]
     AND NOT EXISTS (SELECT 1 FROM prior)
     AND NOT EXISTS (SELECT 1 FROM restore_fence)
     AND (SELECT leases FROM holding) = 0
   ORDER BY j.queued_at, j.id
   LIMIT 1
     FOR UPDATE SKIP LOCKED
), shared_pick AS (
  SELECT j.id
    FROM jobs j
   WHERE j.state = 'QUEUED'
     AND NOT (j.lost_attempts > 0 AND j.lost_attempts + 1 >= j.max_lost_attempts)
     AND j.labels <@ $5::text[]
     AND NOT EXISTS (SELECT 1 FROM prior)
     AND NOT EXISTS (SELECT 1 FROM restore_fence)
     AND NOT EXISTS (SELECT 1 FROM solo_pick)
     AND (SELECT solo FROM holding) = 0
   ORDER BY j.queued_at, j.id
   LIMIT $6
     FOR UPDATE SKIP LOCKED
), picked AS (
  SELECT id FROM solo_pick UNION ALL SELECT id FROM shared_pick
), leased AS (
  UPDATE jobs j
     SET state = 'LEASED',
         attempt = j.attempt + 1,
         lease_token = nextval('lease_token_seq'),
         runner_id = $2,
         incarnation = $3,
         lease_expires_at = coalesce($8::timestamptz, now()) + $7 * interval '1 millisecond',
         updated_at = coalesce($8::timestamptz, now())
    FROM picked
   WHERE j.id = picked.id AND j.state = 'QUEUED'
  RETURNING j.id, j.run_id, j.name, j.spec, j.attempt, j.lease_token, j.lease_expires_at
), new_attempts AS (
  INSERT INTO attempts (job_id, number, token, runner_id, incarnation, claim_request, claim_seq, state, leased_at)
  SELECT l.id, l.attempt, l.lease_token, $2, $3, $1, $4, 'LEASED', coalesce($8::timestamptz, now())
    FROM leased l
), events_in AS (
  INSERT INTO events (type, run_id, job_id, token, payload, at)
  SELECT 'job_leased', l.run_id, l.id, l.lease_token,
         jsonb_build_object('job_id', l.id, 'attempt', l.attempt, 'token', l.lease_token,
                            'runner_id', $2::text, 'incarnation', $3::text, 'claim_request', $1::text,
                            'claim_seq', $4::bigint, 'lease_expires_at', l.lease_expires_at),
         coalesce($8::timestamptz, now())
    FROM leased l
)
SELECT l.id, l.run_id, l.name, l.spec, l.attempt, l.lease_token, true AS granted FROM leased l
UNION ALL
SELECT j.id, j.run_id, j.name, j.spec, j.attempt, j.lease_token, false AS granted
  FROM prior p
  JOIN jobs j ON j.id = p.job_id AND j.lease_token = p.token AND j.state IN ('LEASED', 'RUNNING');

-- name: heartbeat
-- Registers the runner and renews, in one statement, every lease it holds ($3). Leases granted to
-- this incarnation by settled claims ($8: claims whose answer the runner has processed) that it
-- does not hold were never received: they go back to QUEUED at once (no budget is charged).
-- $1 runner id, $2 incarnation, $3 held tokens, $4 ttl ms, $5 now, $6 slots, $7 labels, $8 settled claim seq
WITH runner AS (
  INSERT INTO runners (id, incarnation, slots, labels, first_seen_at, last_heartbeat_at)
  VALUES ($1, $2, $6, $7::text[], coalesce($5::timestamptz, now()), coalesce($5::timestamptz, now()))
  ON CONFLICT (id) DO UPDATE
     SET incarnation = EXCLUDED.incarnation, slots = EXCLUDED.slots, labels = EXCLUDED.labels,
         last_heartbeat_at = EXCLUDED.last_heartbeat_at
), renewed AS (
  UPDATE jobs j
     SET lease_expires_at = coalesce($5::timestamptz, now()) + $4 * interval '1 millisecond'
   WHERE j.lease_token = ANY ($3::bigint[])
     AND (j.lease_token >> 40) = reach_generation()
     AND j.state IN ('LEASED', 'RUNNING')
     AND j.runner_id = $1
     AND j.incarnation = $2
  RETURNING j.lease_token, j.lease_expires_at
), unreceived AS (
  SELECT j.id, j.run_id, j.lease_token, j.attempt
    FROM jobs j
    JOIN attempts a ON a.token = j.lease_token
   WHERE j.runner_id = $1 AND j.incarnation = $2 AND j.state = 'LEASED'
     AND a.claim_seq <= $8
     AND NOT (j.lease_token = ANY ($3::bigint[]))
     FOR UPDATE OF j SKIP LOCKED
), released AS (
  UPDATE jobs j
     SET state = 'QUEUED', lease_expires_at = NULL, reason = 'lease_not_received',
         queued_at = coalesce($5::timestamptz, now()), updated_at = coalesce($5::timestamptz, now())
    FROM unreceived u
   WHERE j.id = u.id
  RETURNING j.id
), released_attempts AS (
  UPDATE attempts a
     SET state = 'RELEASED', reason = 'lease_not_received', ended_at = coalesce($5::timestamptz, now())
    FROM unreceived u
   WHERE a.token = u.lease_token
), events_in AS (
  INSERT INTO events (type, run_id, job_id, token, payload, at)
  SELECT 'leases_renewed', NULL, NULL, NULL,
         jsonb_build_object('runner_id', $1::text, 'incarnation', $2::text,
                            'tokens', jsonb_agg(r.lease_token ORDER BY r.lease_token),
                            'lease_expires_at', max(r.lease_expires_at)),
         coalesce($5::timestamptz, now())
    FROM renewed r
  HAVING count(*) > 0
  UNION ALL
  SELECT 'attempt_released', u.run_id, u.id, u.lease_token,
         jsonb_build_object('job_id', u.id, 'attempt', u.attempt, 'token', u.lease_token,
                            'reason', 'lease_not_received', 'to', 'QUEUED',
                            'runner_id', $1::text, 'incarnation', $2::text),
         coalesce($5::timestamptz, now())
    FROM unreceived u
)
SELECT r.lease_token, false AS released FROM renewed r
UNION ALL
SELECT u.lease_token, true FROM unreceived u;

-- name: started
-- LEASED -> RUNNING when the runner reports that the process started.
-- $1 job id, $2 token, $3 spawned at (runner clock, epoch ms), $4 now
WITH moved AS (
  UPDATE jobs j
     SET state = 'RUNNING', updated_at = coalesce($4::timestamptz, now())
   WHERE j.id = $1 AND j.lease_token = $2 AND j.state = 'LEASED'
     AND ($2::bigint >> 40) = reach_generation()
  RETURNING j.id, j.run_id, j.attempt
), attempt_row AS (
  UPDATE attempts a
     SET state = 'RUNNING', started_at = coalesce($4::timestamptz, now()),
         spawned_at = to_timestamp($3::bigint / 1000.0)
    FROM moved m
   WHERE a.token = $2
), events_in AS (
  INSERT INTO events (type, run_id, job_id, token, payload, at)
  SELECT 'job_started', m.run_id, m.id, $2,
         jsonb_build_object('job_id', m.id, 'attempt', m.attempt, 'token', $2::bigint,
                            'spawned_at_ms', $3::bigint),
         coalesce($4::timestamptz, now())
    FROM moved m
)
SELECT (SELECT count(*) FROM moved) AS moved, j.state::text AS state, j.lease_token,
       reach_generation() AS generation
  FROM jobs j WHERE j.id = $1;

-- name: complete
-- Ends the attempt holding the current token. The job goes to SUCCEEDED (exit 0), back to
-- QUEUED while its budget lasts (at once and free for 'released': a draining runner's interrupted
-- job), or to FAILED / QUARANTINED / CANCELLED. The last SELECT reads
-- the attempt as it was before this statement, so the caller can tell a duplicate delivery of an
-- accepted completion from a stale token.
-- $1 job id, $2 token, $3 exit code (nullable), $4 reason, $5 budget kind ('own'|'lost'|'released'|'none'),
-- $6 now, $7 log metadata jsonb (nullable)
WITH current_attempt AS (
  SELECT j.id, j.run_id, j.attempt, j.failed_attempts, j.lost_attempts, j.max_attempts, j.max_lost_attempts
    FROM jobs j
   WHERE j.id = $1 AND j.lease_token = $2 AND j.state IN ('LEASED', 'RUNNING')
     AND ($2::bigint >> 40) = reach_generation()
     FOR UPDATE
), decided AS (
  SELECT c.*,
         CASE
           WHEN $4 = 'exit_code' AND $3::int = 0 THEN 'SUCCEEDED'
           WHEN $5 = 'own' THEN CASE WHEN c.failed_attempts + 1 < c.max_attempts THEN 'QUEUED' ELSE 'FAILED' END
           WHEN $5 = 'lost' THEN CASE WHEN c.lost_attempts + 1 < c.max_lost_attempts THEN 'QUEUED' ELSE 'QUARANTINED' END
           WHEN $5 = 'released' THEN 'QUEUED'
           ELSE 'CANCELLED'
         END::job_state AS next_state,
         CASE
           WHEN $4 = 'exit_code' AND $3::int = 0 THEN 'SUCCEEDED'
           WHEN $5 = 'own' THEN 'FAILED'
           WHEN $5 = 'lost' THEN 'LOST'
           WHEN $5 = 'released' THEN 'RELEASED'
           ELSE 'CANCELLED'
         END AS attempt_state
    FROM current_attempt c
), moved AS (
  UPDATE jobs j
     SET state = d.next_state,
         failed_attempts = j.failed_attempts + CASE WHEN $5 = 'own' AND d.attempt_state = 'FAILED' THEN 1 ELSE 0 END,
         lost_attempts = j.lost_attempts + CASE WHEN $5 = 'lost' THEN 1 ELSE 0 END,
         exit_code = $3::int,
         reason = CASE WHEN d.next_state = 'QUARANTINED' THEN 'lost_too_often' ELSE $4 END,
         lease_expires_at = NULL,
         queued_at = CASE WHEN d.next_state = 'QUEUED' THEN coalesce($6::timestamptz, now()) ELSE j.queued_at END,
         ended_at = CASE WHEN d.next_state = 'QUEUED' THEN NULL ELSE coalesce($6::timestamptz, now()) END,
         updated_at = coalesce($6::timestamptz, now())
    FROM decided d
   WHERE j.id = d.id
  RETURNING j.id, j.run_id, j.attempt, j.state, d.attempt_state
), attempt_row AS (
  UPDATE attempts a
     SET state = m.attempt_state, reason = $4, exit_code = $3::int,
         ended_at = coalesce($6::timestamptz, now()), log = $7::jsonb
    FROM moved m
   WHERE a.token = $2
), events_in AS (
  INSERT INTO events (type, run_id, job_id, token, payload, at)
  SELECT 'attempt_completed', m.run_id, m.id, $2,
         jsonb_build_object('job_id', m.id, 'attempt', m.attempt, 'token', $2::bigint,
                            'exit_code', $3::int, 'reason', $4::text, 'attempt_state', m.attempt_state,
                            'to', m.state, 'log', $7::jsonb),
         coalesce($6::timestamptz, now())
    FROM moved m
)
SELECT (SELECT m.state::text FROM moved m) AS new_state,
       (SELECT j.state::text FROM jobs j WHERE j.id = $1) AS job_state_before,
       a.state AS attempt_state, a.exit_code, a.reason, reach_generation() AS generation
  FROM (SELECT 1) AS one
  LEFT JOIN attempts a ON a.token = $2 AND a.job_id = $1;

-- name: reap_expired
-- Leader only, fenced by the leadership epoch $4 (the row is locked FOR SHARE, so a takeover
-- either commits before — and this changes nothing — or waits). Attempts whose lease ran out
-- (database clock) are lost: the job goes back to QUEUED while lost attempts remain, else
-- QUARANTINED with reason lost_too_often.
-- $1 now, $2 batch limit, $3 reason, $4 leader epoch
WITH leader AS (
  SELECT l.epoch FROM leadership l WHERE l.epoch = $4 FOR SHARE
), expired AS (
  SELECT j.id, j.run_id, j.lease_token, j.attempt, j.lost_attempts, j.max_lost_attempts
    FROM jobs j
   WHERE j.state IN ('LEASED', 'RUNNING')
     AND EXISTS (SELECT 1 FROM leader)
     AND j.lease_expires_at < coalesce($1::timestamptz, now())
   ORDER BY j.lease_expires_at
   LIMIT $2
     FOR UPDATE SKIP LOCKED
), moved AS (
  UPDATE jobs j
     SET state = CASE WHEN e.lost_attempts + 1 < e.max_lost_attempts THEN 'QUEUED' ELSE 'QUARANTINED' END::job_state,
         lost_attempts = j.lost_attempts + 1,
         reason = CASE WHEN e.lost_attempts + 1 < e.max_lost_attempts THEN $3 ELSE 'lost_too_often' END,
         lease_expires_at = NULL,
         queued_at = coalesce($1::timestamptz, now()),
         ended_at = CASE WHEN e.lost_attempts + 1 < e.max_lost_attempts THEN NULL ELSE coalesce($1::timestamptz, now()) END,
         updated_at = coalesce($1::timestamptz, now())
    FROM expired e
   WHERE j.id = e.id
  RETURNING j.id, j.run_id, j.state, e.lease_token, e.attempt
), attempt_rows AS (
  UPDATE attempts a
     SET state = 'LOST', reason = $3, ended_at = coalesce($1::timestamptz, now())
    FROM moved m
   WHERE a.token = m.lease_token
), events_in AS (
  INSERT INTO events (type, run_id, job_id, token, payload, at)
  SELECT 'attempt_lost', m.run_id, m.id, m.lease_token,
         jsonb_build_object('job_id', m.id, 'attempt', m.attempt, 'token', m.lease_token,
                            'reason', $3::text, 'to', m.state, 'epoch', $4::bigint),
         coalesce($1::timestamptz, now())
    FROM moved m
)
SELECT m.id, m.state::text AS state, m.lease_token FROM moved m;

-- name: expire_other_incarnations
-- A runner's new incarnation swept its predecessor's process groups: every lease of this runner
-- id held by another incarnation is lost now (reason runner_restarted) instead of after the TTL.
-- Fenced by the incarnation, not by leadership: only the runner itself reports its restart.
-- $1 runner id, $2 new incarnation, $3 now
WITH expired AS (
  SELECT j.id, j.run_id, j.lease_token, j.attempt, j.lost_attempts, j.max_lost_attempts, j.incarnation
    FROM jobs j
   WHERE j.state IN ('LEASED', 'RUNNING')
     AND j.runner_id = $1
     AND j.incarnation <> $2
     FOR UPDATE SKIP LOCKED
), moved AS (
  UPDATE jobs j
     SET state = CASE WHEN e.lost_attempts + 1 < e.max_lost_attempts THEN 'QUEUED' ELSE 'QUARANTINED' END::job_state,
         lost_attempts = j.lost_attempts + 1,
         reason = CASE WHEN e.lost_attempts + 1 < e.max_lost_attempts THEN 'runner_restarted' ELSE 'lost_too_often' END,
         lease_expires_at = NULL,
         queued_at = coalesce($3::timestamptz, now()),
         ended_at = CASE WHEN e.lost_attempts + 1 < e.max_lost_attempts THEN NULL ELSE coalesce($3::timestamptz, now()) END,
         updated_at = coalesce($3::timestamptz, now())
    FROM expired e
   WHERE j.id = e.id
  RETURNING j.id, j.run_id, j.state, e.lease_token, e.attempt, e.incarnation
), attempt_rows AS (
  UPDATE attempts a
     SET state = 'LOST', reason = 'runner_restarted', ended_at = coalesce($3::timestamptz, now())
    FROM moved m
   WHERE a.token = m.lease_token
), events_in AS (
  INSERT INTO events (type, run_id, job_id, token, payload, at)
  SELECT 'attempt_lost', m.run_id, m.id, m.lease_token,
         jsonb_build_object('job_id', m.id, 'attempt', m.attempt, 'token', m.lease_token,
                            'reason', 'runner_restarted', 'to', m.state, 'runner_id', $1::text,
                            'incarnation', m.incarnation, 'new_incarnation', $2::text),
         coalesce($3::timestamptz, now())
    FROM moved m
)
SELECT m.id, m.state::text AS state, m.lease_token FROM moved m;

-- name: report_recheck
-- A fresh read (new snapshot) of the job and of the attempt holding token $2, for deciding between
-- "duplicate" and "stale" after a transition statement changed nothing.
-- $1 job id, $2 token
SELECT (SELECT j.state::text FROM jobs j WHERE j.id = $1) AS job_state_before,
       (SELECT j.lease_token FROM jobs j WHERE j.id = $1) AS lease_token,
       a.state AS attempt_state, a.exit_code, a.reason, reach_generation() AS generation
  FROM (SELECT 1) AS one
  LEFT JOIN attempts a ON a.token = $2 AND a.job_id = $1;
