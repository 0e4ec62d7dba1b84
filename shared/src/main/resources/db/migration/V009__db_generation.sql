-- Database generation: every restore (and every promotion of a replica) increases it. Lease
-- tokens carry it in their high bits (token >> 40 = generation), so a token granted in one
-- generation can never equal a token granted in another: a report issued before a restore can
-- never match a lease granted after it. Reports whose token is of another generation are refused
-- (STALE_GENERATION) and their leases are not renewed; the reaper then expires them by the normal
-- rules.
CREATE TABLE db_generation (
  id          smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  generation  bigint NOT NULL CHECK (generation >= 0 AND generation < 8388608),
  changed_at  timestamptz NOT NULL DEFAULT now(),
  reason      text NOT NULL
);
INSERT INTO db_generation (id, generation, reason) VALUES (1, 0, 'initial');

CREATE FUNCTION reach_generation() RETURNS bigint
  LANGUAGE sql STABLE AS $$ SELECT generation FROM db_generation WHERE id = 1 $$;

-- Increases the generation and moves the lease token sequence into the new generation's range.
-- Returns the new generation. Called by restore (reachctl admin restore) before Reach serves.
CREATE FUNCTION reach_bump_generation(why text) RETURNS bigint
  LANGUAGE plpgsql AS $$
DECLARE
  g bigint;
BEGIN
  UPDATE db_generation SET generation = generation + 1, changed_at = now(), reason = why
   WHERE id = 1 RETURNING generation INTO g;
  PERFORM setval('lease_token_seq', g << 40, false);
  RETURN g;
END $$;
