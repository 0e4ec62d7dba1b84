-- Retention (leader-only): which runs' logs and artifacts may be purged. The purge itself is done
-- by the artifact store (artifact-store/src/main/resources/sql/artifacts.sql, purge_run), fenced
-- by the leadership epoch.

-- name: purgeable_runs
-- Runs not purged yet whose jobs are all terminal and all ended more than $1 ms ago (database
-- clock, or $3 in tests), oldest first. A run created after the cutoff cannot qualify, which
-- keeps the scan on the partial index of unpurged runs.
-- $1 retention in ms, $2 limit, $3 now
WITH cutoff AS (
  SELECT coalesce($3::timestamptz, now()) - $1::bigint * interval '1 millisecond' AS at
)
SELECT r.id
  FROM runs r, cutoff
 WHERE r.purged_at IS NULL
   AND r.created_at < cutoff.at
   AND NOT EXISTS (SELECT 1 FROM jobs j
                    WHERE j.run_id = r.id
                      AND (j.state IN ('QUEUED', 'LEASED', 'RUNNING') OR j.ended_at IS NULL OR j.ended_at >= cutoff.at))
 ORDER BY r.created_at, r.id
 LIMIT $2;
