package dev.reach.shared.job;

import java.util.Locale;

/**
 * Why an attempt (and possibly its job) ended. The wire and database form is the lower-case name.
 * Reasons marked "lost" count against {@code max_lost_attempts}; "own failures" against
 * {@code max_attempts}; "released" requeues without charging either.
 */
public enum EndReason {
  /** The process exited; the exit code decides success (own failure when non-zero). */
  EXIT_CODE(Kind.OWN),
  /** The job outlived its {@code timeout_seconds}; its process group was killed (own failure). */
  TIMEOUT(Kind.OWN),
  /** The run was cancelled. */
  CANCELLED(Kind.NONE),
  /** The lease ran out without a renewal (runner dead, frozen or cut off). */
  LEASE_EXPIRED(Kind.LOST),
  /** The runner restarted with a new incarnation; its old leases were freed. */
  RUNNER_RESTARTED(Kind.LOST),
  /**
   * The runner was draining (SIGTERM) and killed the job after the drain timeout; the job is
   * requeued at once without charging a budget (an orderly stop is nobody's failure).
   */
  INTERRUPTED(Kind.RELEASED),
  /** The runner's watcher killed the job because its own lease deadline passed. */
  SELF_FENCED(Kind.LOST),
  /** The orchestrator granted a lease the runner reports it never received. */
  LEASE_NOT_RECEIVED(Kind.NONE),
  /** The job could not be started (workspace or spawn failure) — an infrastructure loss. */
  SPAWN_FAILED(Kind.LOST),
  /**
   * A secret of the run could not be decrypted with the configured key: the job was not started
   * (own failure: retrying cannot help until the key is fixed).
   */
  SECRETS_UNAVAILABLE(Kind.OWN),
  /** Lost attempts used up {@code max_lost_attempts}; the job is quarantined. */
  LOST_TOO_OFTEN(Kind.NONE),
  /**
   * The job's processes together held more resident memory than its {@code memory_limit_mb} (or
   * the runner's default); the runner killed its process group (own failure). The limit and the
   * peak observed are in the attempt's {@code log.limit}.
   */
  MEMORY_LIMIT_EXCEEDED(Kind.OWN),
  /**
   * The job exited 0 but an artifact file was larger than its {@code max_artifact_bytes}: that
   * file was not uploaded (listed as missing with this reason) and the attempt fails (own failure).
   */
  ARTIFACT_TOO_LARGE(Kind.OWN),
  /**
   * The job exited 0 but produced more artifact files than its {@code max_artifacts}: the files
   * past the limit (in name order) were not uploaded and the attempt fails (own failure).
   */
  TOO_MANY_ARTIFACTS(Kind.OWN);

  /** Which budget an attempt that ends this way draws on. */
  public enum Kind {
    OWN,
    LOST,
    RELEASED,
    NONE
  }

  private final Kind kind;

  EndReason(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static EndReason fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
