-- Leadership: the epoch in Postgres that fences every leader-only statement, and the grace that
-- protects leases a leader may have extended during a database outage. $now parameters are NULL
-- in production (database clock) and fixed in tests.

-- name: take_leadership
-- A node that just took the Hazelcast leader lock becomes leader only when this commits: the
-- epoch goes up by one (fencing off the previous leader's statements), the change is an event,
-- and — before the new leader expires anything — every active lease is pushed to at least
-- now + $2 (ride-through cap + TTL), covering every outage extension the previous leader may have
-- granted. No lease is ever shortened. The event lists the graced tokens (a lease granted by a claim
-- that committed after this statement's snapshot is not graced, whatever the event numbers say).
-- $1 leader id, $2 grace ms, $3 now
WITH previous AS (
  SELECT l.epoch, l.leader_id FROM leadership l
), bumped AS (
  UPDATE leadership l
     SET epoch = l.epoch + 1, leader_id = $1, since = coalesce($3::timestamptz, now())
  RETURNING l.epoch
), graced AS (
  UPDATE jobs j
     SET lease_expires_at = greatest(j.lease_expires_at, coalesce($3::timestamptz, now()) + $2 * interval '1 millisecond')
   WHERE j.state IN ('LEASED', 'RUNNING')
  RETURNING j.id, j.lease_token
), events_in AS (
  INSERT INTO events (type, payload, at)
  SELECT 'leader_elected',
         jsonb_build_object('epoch', b.epoch, 'leader_id', $1::text, 'previous_epoch', p.epoch,
                            'previous_leader_id', p.leader_id, 'graced_leases', (SELECT count(*) FROM graced),
                            'grace_until', coalesce($3::timestamptz, now()) + $2 * interval '1 millisecond',
                            'tokens', (SELECT coalesce(jsonb_agg(g.lease_token ORDER BY g.lease_token), '[]'::jsonb)
                                         FROM graced g)),
         coalesce($3::timestamptz, now())
    FROM bumped b, previous p
)
SELECT b.epoch, p.leader_id AS previous_leader_id, (SELECT count(*) FROM graced) AS graced
  FROM bumped b, previous p;

-- name: grace
-- Leader only (epoch $1). After the database came back, or when a reaper pass looked like an
-- outage (mass expiry, clock jump): every active lease pushed to at least now + $2, committed
-- before anything is expired. Returns no row when $1 is not the current epoch. The event lists the
-- graced tokens.
-- $1 epoch, $2 grace ms, $3 reason, $4 now
WITH leader AS (
  SELECT l.epoch FROM leadership l WHERE l.epoch = $1 FOR SHARE
), graced AS (
  UPDATE jobs j
     SET lease_expires_at = greatest(j.lease_expires_at, coalesce($4::timestamptz, now()) + $2 * interval '1 millisecond')
   WHERE j.state IN ('LEASED', 'RUNNING')
     AND EXISTS (SELECT 1 FROM leader)
  RETURNING j.id, j.lease_token
), events_in AS (
  INSERT INTO events (type, payload, at)
  SELECT 'leases_graced',
         jsonb_build_object('epoch', $1::bigint, 'reason', $3::text, 'graced_leases', (SELECT count(*) FROM graced),
                            'grace_until', coalesce($4::timestamptz, now()) + $2 * interval '1 millisecond',
                            'tokens', (SELECT coalesce(jsonb_agg(g.lease_token ORDER BY g.lease_token), '[]'::jsonb)
                                         FROM graced g)),
         coalesce($4::timestamptz, now())
    FROM leader
)
SELECT (SELECT count(*) FROM graced) AS graced FROM leader;

-- name: expiry_probe
-- What a reaper pass would do, read before it does it: the current epoch, the database clock,
-- how many leases are active and how many have run out.
-- $1 now
SELECT (SELECT l.epoch FROM leadership l) AS epoch,
       coalesce($1::timestamptz, now()) AS db_now,
       count(*) AS active,
       count(*) FILTER (WHERE j.lease_expires_at < coalesce($1::timestamptz, now())) AS expiring
  FROM jobs j
 WHERE j.state IN ('LEASED', 'RUNNING');

-- name: superseded_incarnations
-- Reconciler, on takeover: runners whose registered incarnation (from their latest heartbeat)
-- differs from the incarnation holding some of their leases. Those leases belong to a dead
-- predecessor whose restart report never arrived; they are expired like a reported restart.
SELECT DISTINCT j.runner_id, r.incarnation
  FROM jobs j
  JOIN runners r ON r.id = j.runner_id
 WHERE j.state IN ('LEASED', 'RUNNING')
   AND j.incarnation <> r.incarnation;

-- name: queued_count
SELECT count(*) AS queued FROM jobs WHERE state = 'QUEUED';
