-- The admin surface: API tokens (hashed) and the figures of the system status.

-- name: ensure_environment_token
-- REACH_ADMIN_TOKEN's hash as an admin token (idempotent; every orchestrator may run it).
-- $1 id, $2 sha256
INSERT INTO api_tokens (id, name, role, token_sha256, origin, created_by)
VALUES ($1, 'REACH_ADMIN_TOKEN', 'admin', $2, 'environment', 'orchestrator start')
ON CONFLICT DO NOTHING
RETURNING id;

-- name: generate_first_token
-- A generated admin token, only when no admin token exists yet and none was ever generated (the
-- partial unique index makes concurrent starts agree). A row back means this caller made it.
-- $1 id, $2 sha256
INSERT INTO api_tokens (id, name, role, token_sha256, origin, created_by)
SELECT $1, 'generated at first start', 'admin', $2, 'generated', 'orchestrator start'
 WHERE NOT EXISTS (SELECT 1 FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL)
ON CONFLICT DO NOTHING
RETURNING id;

-- name: verify_token
-- $1 sha256
SELECT id::text AS id, name, role
  FROM api_tokens
 WHERE token_sha256 = $1 AND revoked_at IS NULL;

-- name: system_figures
-- Queue depth and the oldest queued job's age, active leases, runners heard from recently, the leadership row.
-- $1 runner liveness window in ms
SELECT (SELECT count(*) FROM jobs WHERE state = 'QUEUED') AS queued,
       (SELECT extract(epoch FROM now() - min(queued_at)) * 1000 FROM jobs WHERE state = 'QUEUED')::bigint
         AS oldest_queued_age_ms,
       (SELECT count(*) FROM jobs WHERE state IN ('LEASED', 'RUNNING')) AS active_leases,
       (SELECT count(*) FROM jobs WHERE state IN ('LEASED', 'RUNNING')
                                    AND lease_expires_at < now()) AS overdue_leases,
       (SELECT count(*) FROM runners WHERE last_heartbeat_at > now() - $1::bigint * interval '1 millisecond')
         AS live_runners,
       (SELECT coalesce(sum(slots), 0) FROM runners
         WHERE last_heartbeat_at > now() - $1::bigint * interval '1 millisecond') AS live_slots,
       (SELECT count(*) FROM dead_letters) AS dead_letters,
       (SELECT leader_id FROM leadership) AS leader_id,
       (SELECT epoch FROM leadership) AS leader_epoch,
       (SELECT since FROM leadership) AS leader_since,
       now() AS db_now;

-- name: append_audit
-- An operator action or a watchdog heal, in the event log.
-- $1 type, $2 payload
INSERT INTO events (type, payload) VALUES ($1, $2::jsonb) RETURNING seq;

-- name: create_token
-- A token made through the admin API, and its token_created event, in one statement.
-- $1 id, $2 name, $3 role, $4 sha256, $5 actor
WITH t AS (
  INSERT INTO api_tokens (id, name, role, token_sha256, origin, created_by)
  VALUES ($1, $2, $3, $4, 'created', $5)
  RETURNING id, name, role, origin, created_by, created_at
), e AS (
  INSERT INTO events (type, payload)
  SELECT 'token_created', jsonb_build_object('token_id', t.id, 'name', t.name, 'role', t.role, 'actor', $5)
    FROM t
)
SELECT id::text AS id, name, role, origin, created_by, created_at, NULL::timestamptz AS revoked_at,
       NULL::text AS revoked_by
  FROM t;

-- name: list_tokens
SELECT id::text AS id, name, role, origin, created_by, created_at, revoked_at, revoked_by
  FROM api_tokens
 ORDER BY created_at, id;

-- name: revoke_token
-- Revokes a live token and appends token_revoked; no row when the token does not exist or was revoked already.
-- $1 id, $2 actor
WITH t AS (
  UPDATE api_tokens SET revoked_at = now(), revoked_by = $2
   WHERE id = $1 AND revoked_at IS NULL
  RETURNING id, name, role, origin, created_by, created_at, revoked_at, revoked_by
), e AS (
  INSERT INTO events (type, payload)
  SELECT 'token_revoked', jsonb_build_object('token_id', t.id, 'name', t.name, 'role', t.role, 'actor', $2)
    FROM t
)
SELECT id::text AS id, name, role, origin, created_by, created_at, revoked_at, revoked_by FROM t;

-- name: get_token
-- $1 id
SELECT id::text AS id, name, role, origin, created_by, created_at, revoked_at, revoked_by
  FROM api_tokens
 WHERE id = $1;

-- name: ensure_join_token
-- REACH_RUNNER_JOIN_TOKEN's hash as a runner token (idempotent; a revoked one stays revoked).
-- $1 id, $2 sha256
INSERT INTO api_tokens (id, name, role, token_sha256, origin, created_by)
VALUES ($1, 'REACH_RUNNER_JOIN_TOKEN', 'runner', $2, 'environment', 'orchestrator start')
ON CONFLICT DO NOTHING
RETURNING id;

-- name: record_runner_refusal
-- $1 runner id, $2 reason, $3 address
INSERT INTO runner_refusals AS r (runner_id, reason, last_address)
VALUES ($1, $2, $3)
ON CONFLICT (runner_id, reason)
DO UPDATE SET refusals = r.refusals + 1, last_at = now(), last_address = excluded.last_address;

-- name: list_runner_refusals
SELECT runner_id, reason, last_address, refusals, first_at, last_at
  FROM runner_refusals
 ORDER BY last_at DESC
 LIMIT 500;
