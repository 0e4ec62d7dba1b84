-- Artifact store metadata: sealed logs (attempt_logs) and stored files (artifacts).
-- Tables are created by shared/db/migration/V001__core_schema.sql.
--
-- Fencing: every write of the store (log chunk, log seal, artifact upload) carries the lease token
-- of its attempt and is accepted only while that attempt is current: the job's latest attempt, with
-- that token, still LEASED or RUNNING. Reads are never fenced.

-- name: find_lease
-- The lease check before any byte is written. No row: no such job.
-- $1 job id, $2 attempt, $3 token
SELECT j.state::text AS state,
       j.attempt,
       (j.attempt = $2 AND j.lease_token = $3 AND j.state IN ('LEASED', 'RUNNING')) AS current
  FROM jobs j
 WHERE j.id = $1;

-- name: seal_log
-- One round trip per seal, fenced in the same statement: no row comes back when the attempt is no
-- longer current, and nothing is written. A conflicting row can only come from a log file that was
-- removed and written again; the row then describes the bytes actually served.
-- $1 job id, $2 attempt, $3 token, $4 size, $5 sha256, $6 truncated
INSERT INTO attempt_logs (job_id, attempt, token, size, sha256, truncated)
SELECT $1::uuid, $2::int, $3::bigint, $4::bigint, $5::text, $6::boolean
 WHERE EXISTS (SELECT 1 FROM jobs j
                WHERE j.id = $1 AND j.attempt = $2 AND j.lease_token = $3 AND j.state IN ('LEASED', 'RUNNING'))
ON CONFLICT (job_id, attempt) DO UPDATE
   SET token = EXCLUDED.token, size = EXCLUDED.size, sha256 = EXCLUDED.sha256,
       truncated = EXCLUDED.truncated, sealed_at = now()
RETURNING job_id;

-- name: find_log_seal
SELECT size, sha256, truncated
  FROM attempt_logs
 WHERE job_id = $1 AND attempt = $2;

-- name: upsert_artifact
-- Fenced like seal_log: no row comes back (and no row is written) when the attempt is no longer current.
-- $1 job id, $2 attempt, $3 token, $4 path, $5 sha256, $6 size
INSERT INTO artifacts (job_id, attempt, token, path, sha256, size)
SELECT $1::uuid, $2::int, $3::bigint, $4::text, $5::text, $6::bigint
 WHERE EXISTS (SELECT 1 FROM jobs j
                WHERE j.id = $1 AND j.attempt = $2 AND j.lease_token = $3 AND j.state IN ('LEASED', 'RUNNING'))
ON CONFLICT (job_id, attempt, path) DO UPDATE
   SET token = EXCLUDED.token, sha256 = EXCLUDED.sha256, size = EXCLUDED.size, stored_at = now()
RETURNING path;

-- name: find_artifact
SELECT path, sha256, size
  FROM artifacts
 WHERE job_id = $1 AND attempt = $2 AND path = $3;

-- name: list_artifacts
SELECT path, sha256, size
  FROM artifacts
 WHERE job_id = $1 AND attempt = $2
 ORDER BY path;

-- Retention (leader-only, fenced by the leadership epoch; see the orchestrator's RetentionVerticle).

-- name: purge_run
-- One statement, one transaction: when $2 is still the leadership epoch (the row is locked FOR
-- SHARE, so a new leader waits for this statement) and every job of run $1 is terminal, marks the
-- run purged, deletes its log seals, artifact rows and its own sealed secrets (run_secrets) and
-- appends a run_purged event that counts them (a requeue of its dead letters is then refused
-- rather than run without them). Nothing happens (purged = false) for a stale epoch, a run still
-- in flight or one purged already.
-- $1 run id, $2 epoch, $3 retention in ms (recorded in the event)
WITH fence AS (
  SELECT epoch FROM leadership WHERE epoch = $2 FOR SHARE
), run AS (
  UPDATE runs r SET purged_at = now()
   WHERE r.id = $1 AND r.purged_at IS NULL AND EXISTS (SELECT 1 FROM fence)
     AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.run_id = r.id AND j.state IN ('QUEUED', 'LEASED', 'RUNNING'))
  RETURNING r.id
), run_jobs AS (
  SELECT j.id FROM jobs j JOIN run ON j.run_id = run.id
), logs AS (
  DELETE FROM attempt_logs l USING run_jobs rj WHERE l.job_id = rj.id RETURNING l.size
), files AS (
  DELETE FROM artifacts a USING run_jobs rj WHERE a.job_id = rj.id RETURNING a.sha256, a.size
), secrets AS (
  DELETE FROM run_secrets s USING run WHERE s.run_id = run.id RETURNING s.name
), event AS (
  INSERT INTO events (type, run_id, payload)
  SELECT 'run_purged', run.id, jsonb_build_object(
           'epoch', $2::bigint, 'retention_ms', $3::bigint,
           'logs', (SELECT count(*) FROM logs), 'log_bytes', (SELECT coalesce(sum(size), 0) FROM logs),
           'artifacts', (SELECT count(*) FROM files), 'artifact_bytes', (SELECT coalesce(sum(size), 0) FROM files),
           'secrets', (SELECT count(*) FROM secrets))
    FROM run
  RETURNING seq
)
SELECT EXISTS (SELECT 1 FROM fence) AS fenced,
       EXISTS (SELECT 1 FROM run) AS purged,
       (SELECT coalesce(array_agg(id::text), '{}') FROM run_jobs) AS job_ids,
       (SELECT coalesce(array_agg(DISTINCT sha256), '{}') FROM files) AS blobs,
       (SELECT count(*) FROM logs) AS logs,
       (SELECT coalesce(sum(size), 0) FROM logs) AS log_bytes,
       (SELECT count(*) FROM files) AS artifacts,
       (SELECT coalesce(sum(size), 0) FROM files) AS artifact_bytes,
       (SELECT count(*) FROM secrets) AS secrets,
       (SELECT seq FROM event) AS event_seq;

-- name: unreferenced_blobs
-- Of the given content addresses, those no artifact row refers to.
-- $1 text[] of sha256
SELECT u.sha256
  FROM unnest($1::text[]) AS u(sha256)
 WHERE NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = u.sha256);

-- name: purged_log_jobs
-- Of the given job ids, those whose log directory may go: the job's run was purged, or there is no
-- such job (a directory no job owns).
-- $1 uuid[] of job ids
SELECT u.job_id::text AS job_id
  FROM unnest($1::uuid[]) AS u(job_id)
 WHERE NOT EXISTS (SELECT 1 FROM jobs j JOIN runs r ON r.id = j.run_id WHERE j.id = u.job_id AND r.purged_at IS NULL);

-- name: record_sweep
-- The orphan sweep's event, fenced like purge_run: no row when $1 is no longer the epoch.
-- $1 epoch, $2 payload
INSERT INTO events (type, payload)
SELECT 'orphans_collected', $2::jsonb || jsonb_build_object('epoch', $1::bigint)
  FROM leadership WHERE epoch = $1
RETURNING seq;

-- name: installation_id
SELECT id::text AS id FROM installation;

-- name: epoch_is_current
-- $1 epoch
SELECT 1 FROM leadership WHERE epoch = $1;
