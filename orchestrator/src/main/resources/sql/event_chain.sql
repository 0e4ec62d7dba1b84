-- The event chain (migration V005__event_chain.sql): sealing by the leader after commit, and the
-- export's pages. Chain order is seq order.

-- name: sequence_last_value
-- First half of a finality mark: the last seq handed out so far (0 before the first event).
SELECT coalesce(pg_sequence_last_value('events_seq_seq'::regclass), 0) AS last_seq;

-- name: fresh_xid
-- Second half, in a statement of its own after the first: a transaction id newer than that of every
-- transaction holding a seq up to the mark's last seq (each event takes its transaction id before
-- its seq; see events_next_seq).
SELECT pg_current_xact_id()::text::bigint AS xid;

-- name: oldest_running_xid
-- The oldest transaction still running (the snapshot's xmin). A mark whose xid is at or below it is
-- final: every seq up to its last seq is committed or never will be.
SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin;

-- name: chain_head
-- The last seal, if any.
SELECT pos, seq, hash FROM event_seals ORDER BY pos DESC LIMIT 1;

-- name: unsealed_events
-- The events after seq $1 (the head's) up to seq $2 (the final horizon), in order, at most $3.
-- $1 after seq, $2 horizon seq, $3 limit
SELECT e.seq, e.at, e.type, e.run_id, e.job_id, e.token, e.payload
  FROM events e
 WHERE e.seq > $1 AND e.seq <= $2
 ORDER BY e.seq
 LIMIT $3;

-- name: seal
-- Leader only, fenced by the epoch $1 (the row is locked FOR SHARE, so a takeover either commits
-- before — and this inserts nothing — or waits). The links themselves are checked at commit by the
-- deferred trigger event_seals_link; a concurrent sealer's seals collide on the position.
-- $1 epoch, $2 positions, $3 seqs, $4 prev hashes, $5 hashes
WITH leader AS (
  SELECT l.epoch FROM leadership l WHERE l.epoch = $1 FOR SHARE
)
INSERT INTO event_seals (pos, seq, prev_hash, hash, epoch)
SELECT s.pos, s.seq, s.prev_hash, s.hash, $1
  FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[]) AS s (pos, seq, prev_hash, hash)
 WHERE EXISTS (SELECT 1 FROM leader)
 ORDER BY s.pos
RETURNING pos;

-- name: export_page
-- One page of the export: events after seq $1, in order, at most $2, each with its seal when its
-- seq is at most $3 (the chain head when the export began). The page is cut first and its seals
-- looked up one by one, so a page costs the same at the start and the end of a long log.
-- $1 after seq, $2 limit, $3 sealed through seq
SELECT e.seq, e.at, e.type, e.run_id, e.job_id, e.token, e.payload, s.pos, s.prev_hash, s.hash
  FROM (SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2) e
  LEFT JOIN LATERAL (
    SELECT x.pos, x.prev_hash, x.hash FROM event_seals x WHERE x.seq = e.seq AND x.seq <= $3
  ) s ON true
 ORDER BY e.seq;

-- name: export_run_page
-- As export_page, only the events of run $4.
-- $1 after seq, $2 limit, $3 sealed through seq, $4 run id
SELECT e.seq, e.at, e.type, e.run_id, e.job_id, e.token, e.payload, s.pos, s.prev_hash, s.hash
  FROM (SELECT * FROM events WHERE run_id = $4 AND seq > $1 ORDER BY seq LIMIT $2) e
  LEFT JOIN LATERAL (
    SELECT x.pos, x.prev_hash, x.hash FROM event_seals x WHERE x.seq = e.seq AND x.seq <= $3
  ) s ON true
 ORDER BY e.seq;
