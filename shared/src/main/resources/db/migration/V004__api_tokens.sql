-- API tokens: bearer tokens for the admin API (and, later, viewer and submitter roles). Only the
-- SHA-256 of a token is stored; the token itself is shown once, when it is made.
CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY,
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('viewer', 'submitter', 'admin')),
  token_sha256 text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  origin       text NOT NULL CHECK (origin IN ('environment', 'generated', 'created')),
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);
-- At most one token is ever generated at first start, however many orchestrators start at once.
CREATE UNIQUE INDEX api_tokens_one_generated ON api_tokens ((true)) WHERE origin = 'generated';
