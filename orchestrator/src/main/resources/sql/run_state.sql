-- dump-state: one run's whole internal state, read in one statement (one snapshot) without locking
-- anything. Rows are whole (to_jsonb), so nothing the tables hold is left out.

-- name: run_state
-- $1 run id, $2 most events listed
SELECT jsonb_build_object(
         'run', to_jsonb(r) || jsonb_build_object('state', s.state),
         'jobs', (
           SELECT coalesce(jsonb_agg(to_jsonb(j) || jsonb_build_object(
                    'attempts', (SELECT coalesce(jsonb_agg(to_jsonb(a) ORDER BY a.number), '[]'::jsonb)
                                   FROM attempts a WHERE a.job_id = j.id),
                    'dead_letter', (SELECT to_jsonb(d) FROM dead_letters d WHERE d.job_id = j.id))
                  ORDER BY j.name), '[]'::jsonb)
             FROM jobs j WHERE j.run_id = r.id),
         'leases', (
           SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'job_id', j.id, 'job_name', j.name, 'state', j.state, 'attempt', j.attempt,
                    'token', j.lease_token, 'runner_id', j.runner_id, 'incarnation', j.incarnation,
                    'lease_expires_at', j.lease_expires_at,
                    'expires_in_ms', (extract(epoch FROM j.lease_expires_at - now()) * 1000)::bigint,
                    'runner_incarnation_now', rn.incarnation,
                    'runner_last_heartbeat_at', rn.last_heartbeat_at) ORDER BY j.name), '[]'::jsonb)
             FROM jobs j LEFT JOIN runners rn ON rn.id = j.runner_id
            WHERE j.run_id = r.id AND j.state IN ('LEASED', 'RUNNING')),
         'events', (
           SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.seq), '[]'::jsonb)
             FROM (SELECT * FROM events WHERE run_id = r.id ORDER BY seq LIMIT $2) e),
         'event_count', (SELECT count(*) FROM events WHERE run_id = r.id),
         'db_now', now()
       ) AS state
  FROM runs r
  JOIN run_states s ON s.run_id = r.id
 WHERE r.id = $1;

-- name: runners_of_run
-- The runners worth asking for their own view: every runner that holds a lease of the run, and the
-- runner of each job's latest attempt (it may still buffer that attempt's completion).
-- $1 run id
SELECT DISTINCT a.runner_id
  FROM jobs j
  JOIN attempts a ON a.job_id = j.id AND a.number = j.attempt
 WHERE j.run_id = $1
 ORDER BY a.runner_id;
