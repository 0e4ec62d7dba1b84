-- API tokens with roles for the whole API, runner join tokens, and who submitted a run.
--  viewer: reads; submitter: submits and cancels its own runs; admin: everything; runner: joins a
--  runner to the cluster (no API rights). Only the SHA-256 of a token is ever stored.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check
  CHECK (role IN ('viewer', 'submitter', 'admin', 'runner'));
ALTER TABLE api_tokens ADD COLUMN revoked_by text;

-- The token each run was submitted with (no row: submitted with auth off, or before this migration).
-- Who may cancel a run is an authorization fact, not a projection of the events: projection rebuilds
-- leave this table alone (the run_submitted event names the token too, for the audit trail).
CREATE TABLE run_submitters (
  run_id   uuid PRIMARY KEY,
  token_id uuid NOT NULL REFERENCES api_tokens (id)
);

-- Messages refused from runners that did not join (no, unknown or revoked join token): one row per
-- runner and reason, counted, so a misconfigured runner polling every second cannot grow the table.
CREATE TABLE runner_refusals (
  runner_id      text NOT NULL,
  reason         text NOT NULL,
  last_address   text NOT NULL,
  refusals       bigint NOT NULL DEFAULT 1,
  first_at       timestamptz NOT NULL DEFAULT now(),
  last_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (runner_id, reason)
);
