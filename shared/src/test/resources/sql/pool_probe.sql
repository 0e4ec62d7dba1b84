-- Statements the pool-contract tests run through a Db.

-- name: wait_for_lock
-- blocks while another session holds the exclusive advisory lock $1
SELECT pg_advisory_xact_lock_shared($1);

-- name: statement_timeout
SELECT current_setting('statement_timeout') AS value;

-- name: select_one
SELECT 1 AS one;
