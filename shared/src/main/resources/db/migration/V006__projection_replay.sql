-- Projections by replay. runs, jobs, attempts and dead_letters are projections of the events: the
-- schema reach_replay holds tables of the same shape that reach_replay.catch_up() fills by folding
-- the events in sequence order. The orchestrator compares them with the live tables row by row
-- (dry run) or swaps the differences in while the live tables are locked (sql/projections.sql).
-- Not projections: runners (a liveness registry written by heartbeats), leadership (the fencing
-- epoch), api_tokens, installation, attempt_logs and artifacts (the artifact store's metadata).

CREATE SCHEMA reach_replay;

CREATE TABLE reach_replay.runs (LIKE runs INCLUDING DEFAULTS INCLUDING INDEXES);
CREATE TABLE reach_replay.jobs (LIKE jobs INCLUDING DEFAULTS INCLUDING INDEXES);
CREATE TABLE reach_replay.attempts (LIKE attempts INCLUDING DEFAULTS INCLUDING INDEXES);
CREATE TABLE reach_replay.dead_letters (LIKE dead_letters INCLUDING DEFAULTS INCLUDING INDEXES);

-- How far the replay got: every event up to applied_through was seen, except the sequence numbers in
-- pending (not visible then: a transaction still in flight, or one rolled back and never to come).
CREATE TABLE reach_replay.progress (
  singleton        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  applied_through  bigint NOT NULL
);
INSERT INTO reach_replay.progress (applied_through) VALUES (0);
CREATE TABLE reach_replay.pending (seq bigint PRIMARY KEY);

-- One event folded into the reach_replay tables. Every change is guarded like the transition that
-- wrote the event (expected state, lease token, attempt number), so applying an event that was
-- already applied changes nothing. Event types that change no projection (audit, leadership-only,
-- dead_letter_requeued: the new run comes with its own run_submitted) are ignored. Timestamps come
-- from the event's time, which the transitions set to the same database clock as the rows.
CREATE FUNCTION reach_replay.apply_event(e events) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  p jsonb := e.payload;
  victim jsonb;
BEGIN
  CASE e.type
  WHEN 'run_submitted' THEN
    INSERT INTO reach_replay.runs (id, name, idempotency_key, fingerprint, job_count, created_at, requeue_of)
    VALUES ((p->>'run_id')::uuid, p->>'name', p->>'idempotency_key', p->>'fingerprint', jsonb_array_length(p->'jobs'),
            e.at, (p->>'requeue_of')::uuid)
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
      INSERT INTO reach_replay.jobs (id, run_id, name, spec, labels, max_attempts, max_lost_attempts, queued_at, updated_at)
      SELECT (j->>'job_id')::uuid, (p->>'run_id')::uuid, j->'spec'->>'name', j->'spec',
             ARRAY(SELECT jsonb_array_elements_text(j->'spec'->'labels')),
             (j->'spec'->>'max_attempts')::int, (j->'spec'->>'max_lost_attempts')::int, e.at, e.at
        FROM jsonb_array_elements(p->'jobs') AS j;
    END IF;

  WHEN 'job_leased' THEN
    UPDATE reach_replay.jobs
       SET state = 'LEASED', attempt = (p->>'attempt')::int, lease_token = (p->>'token')::bigint,
           runner_id = p->>'runner_id', incarnation = p->>'incarnation',
           lease_expires_at = (p->>'lease_expires_at')::timestamptz, updated_at = e.at
     WHERE id = e.job_id AND state = 'QUEUED' AND attempt = (p->>'attempt')::int - 1;
    IF FOUND THEN
      INSERT INTO reach_replay.attempts (job_id, number, token, runner_id, incarnation, claim_request, claim_seq, state, leased_at)
      VALUES (e.job_id, (p->>'attempt')::int, (p->>'token')::bigint, p->>'runner_id', p->>'incarnation',
              p->>'claim_request', (p->>'claim_seq')::bigint, 'LEASED', e.at);
    END IF;

  WHEN 'leases_renewed' THEN
    UPDATE reach_replay.jobs
       SET lease_expires_at = (p->>'lease_expires_at')::timestamptz
     WHERE lease_token IN (SELECT t::bigint FROM jsonb_array_elements_text(p->'tokens') AS t)
       AND state IN ('LEASED', 'RUNNING') AND runner_id = p->>'runner_id' AND incarnation = p->>'incarnation';

  WHEN 'attempt_released' THEN
    UPDATE reach_replay.jobs
       SET state = 'QUEUED', lease_expires_at = NULL, reason = p->>'reason', queued_at = e.at, updated_at = e.at
     WHERE id = e.job_id AND lease_token = e.token AND state = 'LEASED';
    IF FOUND THEN
      UPDATE reach_replay.attempts SET state = 'RELEASED', reason = p->>'reason', ended_at = e.at WHERE token = e.token;
    END IF;

  WHEN 'job_started' THEN
    UPDATE reach_replay.jobs SET state = 'RUNNING', updated_at = e.at
     WHERE id = e.job_id AND lease_token = e.token AND state = 'LEASED';
    IF FOUND THEN
      UPDATE reach_replay.attempts
         SET state = 'RUNNING', started_at = e.at, spawned_at = to_timestamp((p->>'spawned_at_ms')::bigint / 1000.0)
       WHERE token = e.token;
    END IF;

  WHEN 'attempt_completed' THEN
    UPDATE reach_replay.jobs
       SET state = (p->>'to')::job_state,
           failed_attempts = failed_attempts + CASE WHEN p->>'attempt_state' = 'FAILED' THEN 1 ELSE 0 END,
           lost_attempts = lost_attempts + CASE WHEN p->>'attempt_state' = 'LOST' THEN 1 ELSE 0 END,
           exit_code = (p->>'exit_code')::int,
           reason = CASE WHEN p->>'to' = 'QUARANTINED' THEN 'lost_too_often' ELSE p->>'reason' END,
           lease_expires_at = NULL,
           queued_at = CASE WHEN p->>'to' = 'QUEUED' THEN e.at ELSE queued_at END,
           ended_at = CASE WHEN p->>'to' = 'QUEUED' THEN NULL ELSE e.at END,
           updated_at = e.at
     WHERE id = e.job_id AND lease_token = e.token AND state IN ('LEASED', 'RUNNING');
    IF FOUND THEN
      UPDATE reach_replay.attempts
         SET state = p->>'attempt_state', reason = p->>'reason', exit_code = (p->>'exit_code')::int, ended_at = e.at,
             log = CASE WHEN jsonb_typeof(p->'log') = 'object' THEN p->'log' END
       WHERE token = e.token;
    END IF;

  WHEN 'attempt_lost' THEN
    UPDATE reach_replay.jobs
       SET state = (p->>'to')::job_state,
           lost_attempts = lost_attempts + 1,
           reason = CASE WHEN p->>'to' = 'QUEUED' THEN p->>'reason' ELSE 'lost_too_often' END,
           lease_expires_at = NULL,
           queued_at = e.at,
           ended_at = CASE WHEN p->>'to' = 'QUEUED' THEN NULL ELSE e.at END,
           updated_at = e.at
     WHERE id = e.job_id AND lease_token = e.token AND state IN ('LEASED', 'RUNNING');
    IF FOUND THEN
      UPDATE reach_replay.attempts SET state = 'LOST', reason = p->>'reason', ended_at = e.at WHERE token = e.token;
    END IF;

  WHEN 'run_cancelled' THEN
    UPDATE reach_replay.runs SET cancel_requested_at = coalesce(cancel_requested_at, e.at) WHERE id = e.run_id;
    FOR victim IN SELECT v FROM jsonb_array_elements(p->'jobs') AS v LOOP
      UPDATE reach_replay.jobs
         SET state = 'CANCELLED', reason = 'cancelled', lease_expires_at = NULL, ended_at = e.at, updated_at = e.at
       WHERE id = (victim->>'job_id')::uuid AND state = (victim->>'from')::job_state
         AND state IN ('QUEUED', 'LEASED', 'RUNNING')
         AND (victim->>'token' IS NULL OR lease_token = (victim->>'token')::bigint);
      IF FOUND AND victim->>'token' IS NOT NULL THEN
        UPDATE reach_replay.attempts SET state = 'CANCELLED', reason = 'cancelled', ended_at = e.at
         WHERE token = (victim->>'token')::bigint;
      END IF;
    END LOOP;

  WHEN 'leader_elected', 'leases_graced' THEN
    -- events written before the graced tokens were listed grace every active lease
    UPDATE reach_replay.jobs
       SET lease_expires_at = greatest(lease_expires_at, (p->>'grace_until')::timestamptz)
     WHERE state IN ('LEASED', 'RUNNING')
       AND (p->'tokens' IS NULL
            OR lease_token IN (SELECT t::bigint FROM jsonb_array_elements_text(p->'tokens') AS t));

  WHEN 'run_purged' THEN
    UPDATE reach_replay.runs SET purged_at = coalesce(purged_at, e.at) WHERE id = e.run_id;

  ELSE
    NULL;
  END CASE;

  -- what the jobs_dead_letter trigger does for the live table
  IF e.type IN ('attempt_completed', 'attempt_lost') THEN
    INSERT INTO reach_replay.dead_letters (job_id, run_id, quarantined_at, reason)
    SELECT j.id, j.run_id, coalesce(j.ended_at, e.at), coalesce(j.reason, 'lost_too_often')
      FROM reach_replay.jobs j
     WHERE j.id = e.job_id AND j.state = 'QUARANTINED'
    ON CONFLICT DO NOTHING;
  END IF;
END;
$$;

-- Empties the reach_replay tables for a replay from the first event.
CREATE FUNCTION reach_replay.reset() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE reach_replay.runs, reach_replay.jobs, reach_replay.attempts, reach_replay.dead_letters, reach_replay.pending;
  UPDATE reach_replay.progress SET applied_through = 0;
END;
$$;

-- Folds every event not applied yet (after applied_through, or pending) in sequence order; returns
-- how many it applied. An event that becomes visible late (its transaction committed after a higher
-- sequence number was applied) touches other rows than the events applied since: the transitions lock
-- the rows they change before they take their event's number, so two events on the same row are
-- numbered in commit order.
CREATE FUNCTION reach_replay.catch_up() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  e events;
  mark bigint;
  n bigint := 0;
BEGIN
  SELECT applied_through INTO mark FROM reach_replay.progress FOR UPDATE;
  FOR e IN
    SELECT * FROM (
      SELECT * FROM events WHERE seq > mark
      UNION ALL
      SELECT ev.* FROM events ev JOIN reach_replay.pending p ON p.seq = ev.seq
    ) AS todo
    ORDER BY seq
  LOOP
    IF e.seq > mark THEN
      INSERT INTO reach_replay.pending (seq) SELECT generate_series(mark + 1, e.seq - 1);
      mark := e.seq;
    ELSE
      DELETE FROM reach_replay.pending WHERE seq = e.seq;
    END IF;
    PERFORM reach_replay.apply_event(e);
    n := n + 1;
  END LOOP;
  UPDATE reach_replay.progress SET applied_through = mark;
  RETURN n;
END;
$$;
