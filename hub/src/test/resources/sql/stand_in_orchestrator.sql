-- What the stand-in orchestrator of PoolExhaustedUnderLoadTest runs for each request.

-- name: wait_for_lock
-- blocks while the test holds the exclusive advisory lock $1
SELECT pg_advisory_xact_lock_shared($1);

-- name: select_one
SELECT 1 AS one;
