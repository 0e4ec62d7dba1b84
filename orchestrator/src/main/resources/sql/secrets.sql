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
