-- name: list_runners
SELECT r.id, r.incarnation, r.slots, r.labels, r.first_seen_at, r.last_heartbeat_at,
       (SELECT count(*) FROM jobs j WHERE j.runner_id = r.id AND j.incarnation = r.incarnation
           AND j.state IN ('LEASED', 'RUNNING')) AS active
  FROM runners r
 ORDER BY r.id;
