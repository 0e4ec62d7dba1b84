package dev.reach.shared.bus;

/**
 * Every event-bus address Reach uses, in one place. Request/reply addresses are served by any
 * instance of the owning service; "publish" addresses are broadcast.
 */
public final class Addresses {
  private Addresses() {}

  // orchestrator, request/reply (any instance)
  public static final String SUBMIT_RUN = "reach.orchestrator.submit";
  public static final String GET_RUN = "reach.orchestrator.run.get";
  public static final String LIST_RUNS = "reach.orchestrator.run.list";
  public static final String CANCEL_RUN = "reach.orchestrator.run.cancel";
  public static final String LIST_RUNNERS = "reach.orchestrator.runner.list";
  public static final String CLAIM = "reach.orchestrator.claim";
  public static final String HEARTBEAT = "reach.orchestrator.heartbeat";
  public static final String STARTED = "reach.orchestrator.started";
  public static final String COMPLETE = "reach.orchestrator.complete";
  /** A runner's new incarnation has swept its predecessor's leftovers: expire that runner's older leases now. */
  public static final String RUNNER_RESTARTED = "reach.orchestrator.runner.restarted";
  public static final String LIST_DEAD_LETTERS = "reach.orchestrator.dead-letter.list";
  public static final String GET_DEAD_LETTER = "reach.orchestrator.dead-letter.get";
  /** Creates a new run from a dead letter's job (the new run points to the old one). */
  public static final String REQUEUE_DEAD_LETTER = "reach.orchestrator.dead-letter.requeue";
  /** Leadership, breaker and outage state of the orchestrators (any instance answers for itself). */
  public static final String ORCHESTRATOR_STATUS = "reach.orchestrator.status";
  /** Admin: looks up an API token by its SHA-256 ({@code token_sha256}); answers id, name, role or NOT_FOUND. */
  public static final String ADMIN_TOKEN_VERIFY = "reach.orchestrator.admin.token.verify";
  /** Admin: makes an API or join token ({@code name}, {@code role}, {@code actor}); answers it once with its id. */
  public static final String ADMIN_TOKEN_CREATE = "reach.orchestrator.admin.token.create";
  /** Admin: every token's id, name, role, origin and dates (never a hash). */
  public static final String ADMIN_TOKEN_LIST = "reach.orchestrator.admin.token.list";
  /** Admin: revokes a token by {@code id} ({@code actor}); answers the token as it now is. */
  public static final String ADMIN_TOKEN_REVOKE = "reach.orchestrator.admin.token.revoke";
  /** Published by an orchestrator after a token was revoked ({@code id}): hubs drop the tokens they verified lately. */
  public static final String TOKEN_REVOKED = "reach.tokens.revoked";
  /** Admin: the refusals of runners that did not join (runner, reason, count, first and last time). */
  public static final String ADMIN_RUNNER_REFUSALS = "reach.orchestrator.admin.runner-refusals";
  /** Admin: queue depth, oldest queued age, active leases, live runners and slots, dead letters. */
  public static final String ADMIN_SYSTEM_FIGURES = "reach.orchestrator.admin.system-figures";
  /** Admin: appends an operator action or a watchdog heal ({@code type}, {@code payload}) to the event log. */
  public static final String ADMIN_AUDIT = "reach.orchestrator.admin.audit";
  /**
   * Admin: rebuilds the projections (runs, jobs, attempts, dead letters) from the events, or with
   * {@code dry_run} only compares them ({@code {"dry_run", "actor", "reason"}}); answers the report.
   */
  public static final String ADMIN_REBUILD_PROJECTIONS = "reach.orchestrator.admin.projections.rebuild";
  /**
   * Admin: a run's whole internal state ({@code {"id"}}): run and job rows, attempts, leases, the
   * holding runners' own view of them, buffered reports, and the run's events.
   */
  public static final String ADMIN_RUN_STATE = "reach.orchestrator.admin.run.state";
  /**
   * Admin: one page of the event log in chain (seq) order with each event's seal, for the export.
   * Request {@code {"after": seq, "run_id": uuid|null, "limit": n, "sealed_through": seq|null}};
   * reply {@code {"events": [...], "more": bool, "head": {"pos", "seq", "hash"}|null}} (see
   * {@link dev.reach.shared.audit.ExportLines}).
   */
  public static final String ADMIN_EVENTS_PAGE = "reach.orchestrator.admin.events.page";

  /**
   * Admin: store one environment secret. Request {@code {"environment", "name", "value", "actor"}};
   * reply {@code {"environment", "name", "updated_at"}} — never the value.
   */
  public static final String ADMIN_SECRET_SET = "reach.orchestrator.admin.secret.set";

  /** Admin: an environment's secret names. Request {@code {"environment"}}; reply {@code {"secrets": [{"name", "key_id", "updated_at"}]}}. */
  public static final String ADMIN_SECRET_LIST = "reach.orchestrator.admin.secret.list";

  /** Admin: delete one environment secret. Request {@code {"environment", "name", "actor"}}; reply {@code {"deleted": true}}. */
  public static final String ADMIN_SECRET_DELETE = "reach.orchestrator.admin.secret.delete";

  // orchestrator, leader only (consumed only by the holder of the leader lock)
  /**
   * A heartbeat sent while the database is unreachable: the leader answers with an outage
   * extension (one TTL, capped in total by REACH_OUTAGE_RIDE_THROUGH_MS) instead of a renewal.
   */
  public static final String OUTAGE_HEARTBEAT = "reach.orchestrator.leader.outage-heartbeat";

  // runners, publish
  /** Work was queued: idle runners should claim now instead of waiting for their fallback poll. */
  public static final String WORK_AVAILABLE = "reach.runner.work-available";
  /** Attempts whose leases are no longer current (cancelled): runners holding them kill them. */
  public static final String KILL_ATTEMPTS = "reach.runner.kill";

  // runners, request/reply (one runner: the address names it)
  /** Prefix of {@link #runnerLeases}. */
  public static final String RUNNER_LEASES_PREFIX = "reach.runner.leases.";

  /**
   * The runner {@code runnerId}'s own view of the leases it holds for a job ({@code {"job_id"}}): its
   * executions (token, process, lease deadline as its watcher holds it) and its buffered reports.
   */
  public static String runnerLeases(String runnerId) {
    return RUNNER_LEASES_PREFIX + runnerId;
  }

  // artifact store, request/reply
  /** Returns the artifact store's HTTP base URL, for uploads and downloads. */
  public static final String ARTIFACT_ENDPOINT = "reach.artifacts.endpoint";
  /** Reads a slice of an attempt's log by offset. */
  public static final String LOG_READ = "reach.artifacts.log.read";
  /** Lists an attempt's stored files and log metadata. */
  public static final String ARTIFACT_LIST = "reach.artifacts.list";
  /**
   * Leader-only (retention): purges one finished run's logs and artifact files, fenced by the
   * leadership epoch in the request; answers what went.
   */
  public static final String ARTIFACT_PURGE_RUN = "reach.artifacts.purge-run";
  /**
   * Leader-only (retention): collects what no row refers to any more (blobs of purged or refused
   * uploads, log directories of purged runs), fenced by the epoch; answers what went.
   */
  public static final String ARTIFACT_SWEEP = "reach.artifacts.sweep";
}
