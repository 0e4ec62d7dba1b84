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
