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

  // runners, publish
  /** Work was queued: idle runners should claim now instead of waiting for their fallback poll. */
  public static final String WORK_AVAILABLE = "reach.runner.work-available";
  /** Attempts whose leases are no longer current (cancelled): runners holding them kill them. */
  public static final String KILL_ATTEMPTS = "reach.runner.kill";

  // artifact store, request/reply
  /** Returns the artifact store's HTTP base URL, for uploads and downloads. */
  public static final String ARTIFACT_ENDPOINT = "reach.artifacts.endpoint";
  /** Reads a slice of an attempt's log by offset. */
  public static final String LOG_READ = "reach.artifacts.log.read";
  /** Lists an attempt's stored files and log metadata. */
  public static final String ARTIFACT_LIST = "reach.artifacts.list";
}
