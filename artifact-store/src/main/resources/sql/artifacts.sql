-- Artifact store metadata: sealed logs (attempt_logs) and stored files (artifacts).
-- Tables are created by shared/db/migration/V001__core_schema.sql.

-- name: seal_log
-- One round trip per seal. A conflicting row can only come from a log file that was removed and
-- written again; the row then describes the bytes actually served.
INSERT INTO attempt_logs (job_id, attempt, token, size, sha256, truncated)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (job_id, attempt) DO UPDATE
   SET token = EXCLUDED.token, size = EXCLUDED.size, sha256 = EXCLUDED.sha256,
       truncated = EXCLUDED.truncated, sealed_at = now();

-- name: find_log_seal
SELECT size, sha256, truncated
  FROM attempt_logs
 WHERE job_id = $1 AND attempt = $2;

-- name: upsert_artifact
INSERT INTO artifacts (job_id, attempt, token, path, sha256, size)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (job_id, attempt, path) DO UPDATE
   SET token = EXCLUDED.token, sha256 = EXCLUDED.sha256, size = EXCLUDED.size, stored_at = now();

-- name: find_artifact
SELECT path, sha256, size
  FROM artifacts
 WHERE job_id = $1 AND attempt = $2 AND path = $3;

-- name: list_artifacts
SELECT path, sha256, size
  FROM artifacts
 WHERE job_id = $1 AND attempt = $2
 ORDER BY path;
