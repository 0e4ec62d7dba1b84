-- Backups (reachctl admin backup): what a backup's manifest says about the database it holds.

-- name: position
-- The event log's position, the database generation and the server: the last event seq and the
-- number of events, the chain head (the newest seal; none before the first), the generation, the
-- server's version, and its clock. Inside a pg_dump's exported snapshot it describes exactly what
-- the dump holds; read as a base backup starts, what it holds at least.
SELECT (SELECT coalesce(max(seq), 0) FROM events) AS last_event_seq,
       (SELECT count(*) FROM events) AS events,
       head.pos AS head_pos, head.seq AS head_seq, head.hash AS head_hash,
       reach_generation() AS generation,
       current_setting('server_version') AS server_version,
       current_setting('server_version_num')::int / 10000 AS server_major,
       now() AS at
  FROM (SELECT 1) one
  LEFT JOIN LATERAL (SELECT pos, seq, hash FROM event_seals ORDER BY pos DESC LIMIT 1) head ON true;
