-- The event chain: every committed event is sealed, in seq order, by the orchestrator leader after
-- its transaction committed (never inside the transitions, which would serialise them all on the
-- chain's head). A seal holds the event's position in the chain, the previous seal's hash and its
-- own: SHA-256 over the canonical encoding of (pos, seq, at, type, run_id, job_id, token, payload,
-- prev_hash) (dev.reach.shared.audit.ChainEncoding). Seals, like events, are never changed.
--
-- Which events may be sealed: seq values are handed out before commit, so a transaction still in
-- flight may hold a seq below one already visible, and an aborted one leaves a hole for good. Each
-- event's transaction id is taken BEFORE its seq (events_next_seq below). The sealer reads the
-- sequence's last value L, then, in a later statement, a fresh transaction id X: every transaction
-- that holds a seq <= L got its id before X. Once the oldest running transaction (the snapshot's
-- xmin) is at or past X, all of them have finished, so every seq <= L is final: committed and
-- visible, or a hole that stays one. The sealer seals the visible events up to there, in order.
-- (A rule on each event's own transaction id alone is not enough: seq order and transaction-id
-- order differ, so an older transaction may still commit a seq below a sealed one.)

-- Each event remembers the transaction that wrote it (diagnostics: which writer, which commit
-- horizon); rows older than the chain read as 0. Stamped by the database, never by the caller.
ALTER TABLE events ADD COLUMN xid xid8 NOT NULL DEFAULT '0';
ALTER TABLE events ALTER COLUMN xid SET DEFAULT pg_current_xact_id();

-- The transaction id first, then the seq: what the sealer's finality rule relies on.
CREATE FUNCTION events_next_seq() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_current_xact_id();
  RETURN nextval('events_seq_seq');
END;
$$;
ALTER TABLE events ALTER COLUMN seq SET DEFAULT events_next_seq();

CREATE TABLE event_seals (
  pos       bigint PRIMARY KEY CHECK (pos >= 1),          -- dense: 1, 2, 3, ... (seq has holes)
  seq       bigint NOT NULL UNIQUE,                       -- the event (checked at commit; no foreign key, so
                                                          -- TRUNCATE events still meets the events' own refusal)
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash      text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  epoch     bigint NOT NULL,                              -- the leadership epoch that sealed it
  sealed_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION event_seals_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'RT002', MESSAGE = format('event seals are append-only: %s refused', TG_OP);
END;
$$;
CREATE TRIGGER event_seals_append_only BEFORE UPDATE OR DELETE ON event_seals
  FOR EACH ROW EXECUTE FUNCTION event_seals_refuse_change();
CREATE TRIGGER event_seals_no_truncate BEFORE TRUNCATE ON event_seals
  FOR EACH STATEMENT EXECUTE FUNCTION event_seals_refuse_change();

-- Checked at commit, when the whole batch is in: each seal links to the seal just before it (its
-- position - 1, whose hash it carries, for a lower seq), the first one to the genesis hash, its
-- event exists, and no committed event between the two was left out. Two sealers at once cannot fork the chain: the
-- second insert of a position fails on the primary key.
CREATE FUNCTION event_seals_link_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prev event_seals%ROWTYPE;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM events e WHERE e.seq = NEW.seq) THEN
    RAISE EXCEPTION USING ERRCODE = 'RT003',
      MESSAGE = format('event chain: seal %s names seq %s, which is no event', NEW.pos, NEW.seq);
  END IF;
  IF NEW.pos = 1 THEN
    IF NEW.prev_hash <> repeat('0', 64) THEN
      RAISE EXCEPTION USING ERRCODE = 'RT003',
        MESSAGE = format('event chain: seal 1 (seq %s) must link to the genesis hash', NEW.seq);
    END IF;
    prev.seq := 0;
  ELSE
    SELECT * INTO prev FROM event_seals WHERE pos = NEW.pos - 1;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'RT003',
        MESSAGE = format('event chain: seal %s (seq %s) has no seal %s before it', NEW.pos, NEW.seq, NEW.pos - 1);
    END IF;
    IF prev.hash <> NEW.prev_hash THEN
      RAISE EXCEPTION USING ERRCODE = 'RT003',
        MESSAGE = format('event chain: seal %s (seq %s) does not link to the hash of seal %s', NEW.pos, NEW.seq, prev.pos);
    END IF;
    IF prev.seq >= NEW.seq THEN
      RAISE EXCEPTION USING ERRCODE = 'RT003',
        MESSAGE = format('event chain: seal %s (seq %s) comes after seq %s', NEW.pos, NEW.seq, prev.seq);
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM events e WHERE e.seq > prev.seq AND e.seq < NEW.seq) THEN
    RAISE EXCEPTION USING ERRCODE = 'RT003',
      MESSAGE = format('event chain: seal %s (seq %s) skips a committed event after seq %s', NEW.pos, NEW.seq, prev.seq);
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER event_seals_link AFTER INSERT ON event_seals
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION event_seals_link_check();
