package dev.reach.orchestrator.api;

import dev.reach.orchestrator.admin.RunnerAdmission;
import dev.reach.orchestrator.leader.Announcer;
import dev.reach.orchestrator.store.DeadLetterStore;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.orchestrator.store.RunStore;
import dev.reach.orchestrator.store.RunnerStore;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.ClaimResponse;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Fields;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.HeartbeatAck;
import dev.reach.shared.bus.RunnerRestarted;
import dev.reach.shared.bus.StartedReport;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.job.JobState;
import dev.reach.shared.job.RunState;
import dev.reach.shared.spec.RunSpec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The orchestrator's event-bus API, served by every instance: submissions, reads, cancel, and the
 * runner protocol (claim, heartbeat, started, complete). State changes only through the stores'
 * fenced statements; a submission or a requeue wakes idle runners.
 */
public final class OrchestratorApi extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(OrchestratorApi.class.getName());
  /** The longest reason an operator action may carry. */
  static final int MAX_REASON = 500;
  private final RunStore runs;
  private final LeaseStore leases;
  private final RunnerStore runners;
  private final DeadLetterStore deadLetters;
  private final ProtocolCounters counters;
  private final Supplier<JsonObject> status;
  private final RunnerAdmission admission;
  private BusHandlers handlers;
  private Announcer announcer;

  public OrchestratorApi(RunStore runs, LeaseStore leases, RunnerStore runners, DeadLetterStore deadLetters,
      ProtocolCounters counters, Supplier<JsonObject> status, RunnerAdmission admission) {
    this.admission = admission;
    this.runs = runs;
    this.leases = leases;
    this.runners = runners;
    this.deadLetters = deadLetters;
    this.counters = counters;
    this.status = status;
  }

  @Override
  public Future<?> start() {
    announcer = Announcer.eventBus(vertx);
    handlers = new BusHandlers(vertx, counters::requestError)
        .on(Addresses.SUBMIT_RUN, this::submit)
        .on(Addresses.GET_RUN, body -> runs.get(runId(body)))
        .on(Addresses.LIST_RUNS, this::list)
        .on(Addresses.CANCEL_RUN, this::cancel)
        .on(Addresses.LIST_RUNNERS, body -> runners.list().map(arr -> new JsonObject().put("runners", arr)))
        .onRunner(Addresses.CLAIM, admission, this::claim)
        .onRunner(Addresses.HEARTBEAT, admission, this::heartbeat)
        .onRunner(Addresses.STARTED, admission, this::started)
        .onRunner(Addresses.COMPLETE, admission, this::complete)
        .onRunner(Addresses.RUNNER_RESTARTED, admission, this::runnerRestarted)
        .on(Addresses.LIST_DEAD_LETTERS, this::listDeadLetters)
        .on(Addresses.GET_DEAD_LETTER, body -> deadLetters.get(deadLetterId(body)))
        .on(Addresses.REQUEUE_DEAD_LETTER, this::requeue)
        .on(Addresses.ORCHESTRATOR_STATUS, body -> Future.succeededFuture(status.get()))
        .reregisterOnMerge(context);
    return handlers.ready();
  }

  @Override
  public Future<?> stop() {
    return handlers.unregister();
  }

  private Future<JsonObject> submit(JsonObject body) {
    RunSpec spec = RunSpec.parse(Fields.object(body, "spec"));
    String key = Fields.optString(body, "idempotency_key");
    UUID submittedBy = optionalUuid(body, "submitted_by");
    return runs.submit(spec, key, null, submittedBy).map(s -> {
      if (s.created()) {
        announcer.workAvailable();
      }
      return new JsonObject().put("id", s.id().toString()).put("created", s.created());
    });
  }

  private Future<JsonObject> list(JsonObject body) {
    String state = Fields.optString(body, "state");
    RunState filter = null;
    if (state != null) {
      try {
        filter = RunState.valueOf(state);
      } catch (IllegalArgumentException e) {
        throw new ReachException(ErrorCode.INVALID_REQUEST, "unknown run state '" + state + "'", "state");
      }
    }
    Long limit = Fields.optLong(body, "limit");
    int n = limit == null ? 100 : (int) Math.max(1, Math.min(1000, limit));
    return runs.list(filter, n).map(arr -> new JsonObject().put("runs", arr));
  }

  /**
   * Cancels a run. A request that names the caller's role ({@code actor_role}, from the hub with auth
   * on) other than admin may cancel only a run submitted with the same token ({@code actor_token_id}).
   */
  private Future<JsonObject> cancel(JsonObject body) {
    UUID id = runId(body);
    String role = Fields.optString(body, "actor_role");
    UUID actor = optionalUuid(body, "actor_token_id");
    Future<Void> allowed = role == null || "admin".equals(role) ? Future.succeededFuture()
        : runs.submitter(id).map(owner -> {
          if (owner.isEmpty() || !owner.get().equals(actor)) {
            throw new ReachException(ErrorCode.FORBIDDEN, "run " + id + " was not submitted with this token;"
                + " a " + role + " token may cancel only its own runs");
          }
          return null;
        });
    return allowed.compose(v -> runs.cancel(id)).compose(c -> {
      if (!c.killTokens().isEmpty()) {
        announcer.killAttempts(c.killTokens());
      }
      return runs.state(id).map(state -> new JsonObject()
          .put("id", id.toString()).put("state", state).put("cancelled_jobs", c.cancelledJobs()));
    });
  }

  private static UUID optionalUuid(JsonObject body, String field) {
    String v = Fields.optString(body, field);
    if (v == null) {
      return null;
    }
    try {
      return UUID.fromString(v);
    } catch (IllegalArgumentException e) {
      throw new ReachException(ErrorCode.MALFORMED_MESSAGE, "field '" + field + "' must be a UUID", field);
    }
  }

  private Future<JsonObject> claim(JsonObject body) {
    ClaimRequest req = ClaimRequest.fromJson(body);
    return leases.claim(req).map(list -> new ClaimResponse(list, leases.ttlMs()).toJson());
  }

  private Future<JsonObject> heartbeat(JsonObject body) {
    Heartbeat hb = Heartbeat.fromJson(body);
    return leases.heartbeat(hb).map(r -> {
      if (!r.released().isEmpty()) {
        announcer.workAvailable();
      }
      return new HeartbeatAck(r.renewed(), leases.ttlMs()).toJson();
    });
  }

  private Future<JsonObject> started(JsonObject body) {
    StartedReport report = StartedReport.fromJson(body);
    return leases.started(jobId(report.jobId()), report.token(), report.spawnedAtMs())
        .map(v -> new JsonObject().put("state", JobState.RUNNING.name()))
        .onFailure(t -> {
          if (BusErrors.classify(t).code() == ErrorCode.STALE_LEASE
              || BusErrors.classify(t).code() == ErrorCode.STALE_GENERATION) {
            counters.staleStart();
          }
        });
  }

  private Future<JsonObject> complete(JsonObject body) {
    CompletionReport report = CompletionReport.fromJson(body);
    return leases.complete(report).map(c -> {
      if (JobState.QUEUED.name().equals(c.newState())) {
        announcer.workAvailable(); // a retry is waiting
      }
      return new JsonObject().put("outcome", c.outcome().name()).put("state", c.newState());
    }).onFailure(t -> {
      if (BusErrors.classify(t).code() == ErrorCode.STALE_LEASE
              || BusErrors.classify(t).code() == ErrorCode.STALE_GENERATION) {
        counters.staleCompletion();
        LOG.info("stale completion refused: " + t.getMessage() + " (runner " + report.runnerId() + ", reason "
            + report.reason().wire() + ")");
      }
    });
  }

  /** A runner's new incarnation swept its predecessor: that predecessor's leases are lost now. */
  private Future<JsonObject> runnerRestarted(JsonObject body) {
    RunnerRestarted r = RunnerRestarted.fromJson(body);
    counters.restartReported();
    return leases.expireOtherIncarnations(r.runnerId(), r.incarnation()).map(expired -> {
      LOG.info("runner " + r.runnerId() + " restarted as incarnation " + r.incarnation() + " (killed "
          + r.killedGroups().size() + " leftover process group(s), " + r.staleRecords() + " stale record(s)"
          + (r.uncleanShutdown() ? ", after an unclean shutdown" : "") + "): " + expired.size()
          + " lease(s) of earlier incarnations expired");
      if (!expired.isEmpty()) {
        announcer.killAttempts(expired.stream().map(LeaseStore.Expired::token).toList());
        announcer.workAvailable();
      }
      return new JsonObject().put("expired", expired.size());
    });
  }

  private Future<JsonObject> listDeadLetters(JsonObject body) {
    Long limit = Fields.optLong(body, "limit");
    if (limit != null && (limit < 1 || limit > 500)) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "limit must be between 1 and 500", "limit");
    }
    return deadLetters.list(limit == null ? 50 : limit.intValue()).map(arr -> new JsonObject().put("dead_letters", arr));
  }

  private Future<JsonObject> requeue(JsonObject body) {
    String actor = Fields.optString(body, "actor");
    String reason = Fields.optString(body, "reason");
    if (reason != null && reason.length() > MAX_REASON) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "reason must be at most " + MAX_REASON + " characters",
          "reason");
    }
    String by = actor == null || actor.isBlank() ? "anonymous" : actor;
    return deadLetters.requeue(deadLetterId(body), by, reason).map(r -> {
      announcer.workAvailable();
      LOG.info("dead letter " + r.requeueOf() + " requeued as run " + r.runId() + " by " + by
          + (reason == null ? "" : " (reason: " + reason + ")"));
      return new JsonObject()
          .put("run_id", r.runId().toString())
          .put("requeue_of", r.requeueOf().toString())
          .put("requeue_of_run", r.requeueOfRun().toString());
    });
  }

  private static UUID deadLetterId(JsonObject body) {
    String id = Fields.string(body, "job_id");
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "job_id '" + id + "' is not a UUID", "job_id");
    }
  }

  private static UUID runId(JsonObject body) {
    String id = Fields.string(body, "id");
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new ReachException(ErrorCode.RUN_NOT_FOUND, "no run with id " + id);
    }
  }

  private static UUID jobId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new ReachException(ErrorCode.MALFORMED_MESSAGE, "job_id is not a UUID", "job_id");
    }
  }
}
