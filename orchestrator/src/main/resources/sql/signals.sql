-- Runbook signals the leader samples for /metrics and the runner-fleet alert. Cheap by design:
-- the queued jobs come from the partial index jobs_queued, the active leases from
-- jobs_lease_expiry, and the runners table has one row per runner id.

-- name: sample
-- $1 now, $2 window ms (a runner is alive when it heartbeated within it)
WITH q AS (
  SELECT count(*) AS queued, min(queued_at) AS oldest FROM jobs WHERE state = 'QUEUED'
), r AS (
  SELECT count(*) AS alive, coalesce(sum(slots), 0) AS slots
    FROM runners
   WHERE last_heartbeat_at > coalesce($1::timestamptz, now()) - $2 * interval '1 millisecond'
), b AS (
  SELECT count(*) AS busy FROM jobs WHERE state IN ('LEASED', 'RUNNING')
)
SELECT q.queued,
       (extract(epoch FROM coalesce($1::timestamptz, now()) - q.oldest) * 1000)::bigint AS oldest_age_ms,
       r.alive, r.slots, b.busy
  FROM q, r, b;
