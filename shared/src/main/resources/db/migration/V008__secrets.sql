-- Secrets. Values are stored only encrypted (AES-256-GCM, a random 96-bit nonce per value, the
-- associated data binding the value to its run or environment and its name, so a ciphertext moved
-- to another row no longer decrypts); key_id names the key that sealed it. Events and specs hold
-- secret names only. None of these tables is a projection: the values are in no event.

-- The environment whose stored secrets a run gets (a row for every run submitted from now on;
-- a run without one is in the environment 'default').
CREATE TABLE run_environments (
  run_id       uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  environment  text NOT NULL
);

-- The secrets submitted with a run.
CREATE TABLE run_secrets (
  run_id      uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name        text NOT NULL,
  key_id      text NOT NULL,
  nonce       bytea NOT NULL CHECK (length(nonce) = 12),
  ciphertext  bytea NOT NULL,
  PRIMARY KEY (run_id, name)
);

-- Secrets stored per environment (admin API); every run in the environment gets them, its own
-- secrets of the same name win.
CREATE TABLE environment_secrets (
  environment  text NOT NULL,
  name         text NOT NULL,
  key_id       text NOT NULL,
  nonce        bytea NOT NULL CHECK (length(nonce) = 12),
  ciphertext   bytea NOT NULL,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (environment, name)
);
