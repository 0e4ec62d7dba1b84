-- Dead letters: jobs whose lost-attempt budget ran out (rows written by the jobs_dead_letter
-- trigger), read with their spec and every attempt; a requeue is a new run (see insert_run).

-- name: list
-- $1 limit
SELECT d.job_id, d.run_id, j.name AS job_name, d.quarantined_at, d.reason, j.lost_attempts,
       ARRAY(SELECT r.id::text FROM runs r WHERE r.requeue_of = d.job_id ORDER BY r.created_at) AS requeued_runs
  FROM dead_letters d
  JOIN jobs j ON j.id = d.job_id
 ORDER BY d.quarantined_at DESC, d.job_id
 LIMIT $1;

-- name: get
-- $1 job id
SELECT jsonb_build_object(
         'job_id', d.job_id,
         'run_id', d.run_id,
         'job_name', j.name,
         'spec', j.spec,
         'quarantined_at', d.quarantined_at,
         'reason', d.reason,
         'attempts', (
           SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'number', a.number, 'token', a.token, 'runner', a.runner_id, 'incarnation', a.incarnation,
                    'state', a.state, 'reason', a.reason, 'exit_code', a.exit_code, 'leased_at', a.leased_at,
                    'started_at', a.started_at, 'ended_at', a.ended_at) ORDER BY a.number), '[]'::jsonb)
             FROM attempts a WHERE a.job_id = d.job_id),
         'requeued_runs', (
           SELECT coalesce(jsonb_agg(r.id ORDER BY r.created_at), '[]'::jsonb)
             FROM runs r WHERE r.requeue_of = d.job_id)
       ) AS dead_letter,
       r0.name AS run_name
  FROM dead_letters d
  JOIN jobs j ON j.id = d.job_id
  JOIN runs r0 ON r0.id = d.run_id
 WHERE d.job_id = $1;
