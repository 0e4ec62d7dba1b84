-- Secrets, sealed (see V007__secrets.sql). Values are only ever bound as ciphertext.

-- name: for_runs
-- The sealed secrets the given runs ($1 uuid[]) get: their own environment's stored ones (scope
-- 'environment'; a run without a run_environments row is in 'default') and their own (scope 'run').
-- Never another environment's.
SELECT r.id AS run_id, 'environment' AS scope, es.environment AS owner,
       es.name, es.key_id, es.nonce, es.ciphertext
  FROM unnest($1::uuid[]) AS r(id)
  LEFT JOIN run_environments re ON re.run_id = r.id
  JOIN environment_secrets es ON es.environment = coalesce(re.environment, 'default')
UNION ALL
SELECT rs.run_id, 'run', rs.run_id::text, rs.name, rs.key_id, rs.nonce, rs.ciphertext
  FROM run_secrets rs
 WHERE rs.run_id = ANY($1::uuid[]);

-- name: set_environment_secret
-- Stores (or replaces) one sealed environment secret and records a secret_set audit event naming
-- the environment, the secret and who set it — never the value. Returns the update time.
-- $1 environment, $2 name, $3 key id, $4 nonce, $5 ciphertext, $6 actor, $7 now (nullable)
WITH stored AS (
  INSERT INTO environment_secrets (environment, name, key_id, nonce, ciphertext, updated_at)
  VALUES ($1, $2, $3, $4, $5, coalesce($7::timestamptz, now()))
  ON CONFLICT (environment, name) DO UPDATE
     SET key_id = EXCLUDED.key_id, nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext,
         updated_at = EXCLUDED.updated_at
  RETURNING updated_at
), audit AS (
  INSERT INTO events (type, payload, at)
  SELECT 'secret_set', jsonb_build_object('environment', $1::text, 'name', $2::text, 'actor', $6::text),
         stored.updated_at
    FROM stored
)
SELECT updated_at FROM stored;

-- name: list_environment_secrets
-- Names and update times only. $1 environment
SELECT name, key_id, updated_at FROM environment_secrets WHERE environment = $1 ORDER BY name;

-- name: delete_environment_secret
-- Removes one environment secret with a secret_deleted audit event; no row back: there was none.
-- $1 environment, $2 name, $3 actor, $4 now (nullable)
WITH gone AS (
  DELETE FROM environment_secrets WHERE environment = $1 AND name = $2 RETURNING name
), audit AS (
  INSERT INTO events (type, payload, at)
  SELECT 'secret_deleted', jsonb_build_object('environment', $1::text, 'name', $2::text, 'actor', $3::text),
         coalesce($4::timestamptz, now())
    FROM gone
)
SELECT name FROM gone;

-- name: of_run
-- A run's environment ('default' without a run_environments row) and its own sealed secrets (none:
-- one row with a null name), for a dead-letter requeue that carries both to the new run; and how
-- many of them retention purged with the run (its run_purged event; null when not purged). $1 run id
SELECT coalesce(re.environment, 'default') AS environment, rs.name, rs.key_id, rs.nonce, rs.ciphertext,
       (SELECT (e.payload->>'secrets')::int FROM events e
         WHERE e.type = 'run_purged' AND e.run_id = r.run_id ORDER BY e.seq DESC LIMIT 1) AS purged_secrets
  FROM (SELECT $1::uuid AS run_id) r
  LEFT JOIN run_environments re ON re.run_id = r.run_id
  LEFT JOIN run_secrets rs ON rs.run_id = r.run_id
 ORDER BY rs.name;
