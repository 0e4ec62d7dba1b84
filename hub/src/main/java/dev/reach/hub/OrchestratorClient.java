package dev.reach.hub;

import dev.reach.shared.breaker.BreakerSettings;
import dev.reach.shared.breaker.DependencyBreaker;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.spec.RunSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/** The orchestrator's request/reply addresses, as the hub uses them. Replies are passed on as they come. */
final class OrchestratorClient {
  private final BusClient bus;

  private final DependencyBreaker breaker;

  OrchestratorClient(Vertx vertx, long timeoutMs, BreakerSettings breakerSettings, Clock clock) {
    this.breaker = BusClient.breaker("hub:orchestrator", breakerSettings, clock, ErrorCode.ORCHESTRATOR_UNAVAILABLE);
    this.bus = new BusClient(vertx, timeoutMs, ErrorCode.ORCHESTRATOR_UNAVAILABLE, breaker);
  }

  /** The breaker in front of every request to the orchestrator. */
  DependencyBreaker breaker() {
    return breaker;
  }

  /** Replies {@code {"id", "created"}}; {@code submittedBy} (nullable: auth off) is the submitting token's id. */
  Future<JsonObject> submit(RunSpec spec, String idempotencyKey, String submittedBy) {
    JsonObject body = new JsonObject().put("spec", spec.submissionJson()).put("idempotency_key", idempotencyKey);
    if (submittedBy != null) {
      body.put("submitted_by", submittedBy);
    }
    return bus.request(Addresses.SUBMIT_RUN, body);
  }

  Future<JsonObject> getRun(String id) {
    return bus.request(Addresses.GET_RUN, new JsonObject().put("id", id));
  }

  Future<JsonObject> listRuns(String state, int limit) {
    return bus.request(Addresses.LIST_RUNS, new JsonObject().put("state", state).put("limit", limit));
  }

  /**
   * Cancels a run for a caller with {@code role} and token {@code tokenId} (both null with auth off): a
   * role below admin may cancel only the runs its token submitted.
   */
  Future<JsonObject> cancelRun(String id, String role, String tokenId) {
    JsonObject body = new JsonObject().put("id", id);
    if (role != null) {
      body.put("actor_role", role).put("actor_token_id", tokenId);
    }
    return bus.request(Addresses.CANCEL_RUN, body);
  }

  /** Makes a token; the reply carries its value, once. */
  Future<JsonObject> createToken(String name, String role, String actor) {
    return bus.request(Addresses.ADMIN_TOKEN_CREATE, new JsonObject().put("name", name).put("role", role)
        .put("actor", actor));
  }

  Future<JsonObject> listTokens() {
    return bus.request(Addresses.ADMIN_TOKEN_LIST, new JsonObject());
  }

  Future<JsonObject> revokeToken(String id, String actor) {
    return bus.request(Addresses.ADMIN_TOKEN_REVOKE, new JsonObject().put("id", id).put("actor", actor));
  }

  Future<JsonObject> runnerRefusals() {
    return bus.request(Addresses.ADMIN_RUNNER_REFUSALS, new JsonObject());
  }

  Future<JsonObject> listRunners() {
    return listRunners(-1);
  }

  /** {@code timeoutMs < 0} uses the configured request timeout. */
  Future<JsonObject> listRunners(long timeoutMs) {
    return timeoutMs < 0
        ? bus.request(Addresses.LIST_RUNNERS, new JsonObject())
        : bus.request(Addresses.LIST_RUNNERS, new JsonObject(), timeoutMs);
  }

  /** Replies {@code {"dead_letters": [...]}}, newest first. */
  Future<JsonObject> listDeadLetters(int limit) {
    return bus.request(Addresses.LIST_DEAD_LETTERS, new JsonObject().put("limit", limit));
  }

  /** Replies the dead letter with its spec and attempts, or fails with {@code DEAD_LETTER_NOT_FOUND}. */
  Future<JsonObject> getDeadLetter(String jobId) {
    return bus.request(Addresses.GET_DEAD_LETTER, new JsonObject().put("job_id", jobId));
  }

  /**
   * Replies {@code {"run_id", "requeue_of", "requeue_of_run"}}: the new run that retries the job;
   * its event names {@code actor} (null: anonymous) and {@code reason} (nullable).
   */
  /** An admin request that takes the body as it is (environment secrets). */
  Future<JsonObject> admin(String address, JsonObject body) {
    return bus.request(address, body);
  }

  Future<JsonObject> requeueDeadLetter(String jobId, String actor, String reason) {
    JsonObject body = new JsonObject().put("job_id", jobId);
    if (actor != null) {
      body.put("actor", actor);
    }
    if (reason != null) {
      body.put("reason", reason);
    }
    return bus.request(Addresses.REQUEUE_DEAD_LETTER, body);
  }

  /**
   * How long a projection rebuild may take: the orchestrator's replay timeout plus the lock wait
   * and a margin (a rebuild of a large log takes minutes; this request is not the hot path).
   */
  static final long REBUILD_TIMEOUT_MS = 600_000 + 5_000 + 30_000;

  /** Replies the rebuild's report (differences per table, rows, whether they were swapped, its event). */
  Future<JsonObject> rebuildProjections(boolean dryRun, String actor, String actorTokenId, String reason) {
    return bus.request(Addresses.ADMIN_REBUILD_PROJECTIONS, new JsonObject().put("dry_run", dryRun)
        .put("actor", actor).put("actor_token_id", actorTokenId).put("reason", reason), REBUILD_TIMEOUT_MS);
  }

  /** Appends a drill's step to the event log; replies {@code {"seq"}}. */
  Future<JsonObject> appendDrillEvent(String type, JsonObject payload) {
    return bus.request(Addresses.ADMIN_AUDIT, new JsonObject().put("type", type).put("payload", payload));
  }

  /** Replies a run's whole internal state (dump-state), or fails {@code RUN_NOT_FOUND}. */
  Future<JsonObject> runState(String runId) {
    return bus.request(Addresses.ADMIN_RUN_STATE, new JsonObject().put("id", runId));
  }

  /** Replies the live token ({@code id}, {@code name}, {@code role}) with this SHA-256, or fails {@code UNAUTHORIZED}. */
  Future<JsonObject> verifyToken(String sha256) {
    return bus.request(Addresses.ADMIN_TOKEN_VERIFY, new JsonObject().put("token_sha256", sha256));
  }

  /** Replies queue depth, oldest queued age, leases, live runners and slots, dead letters. */
  Future<JsonObject> systemFigures() {
    return bus.request(Addresses.ADMIN_SYSTEM_FIGURES, new JsonObject());
  }

  /**
   * One page of the event log after seq {@code after} ({@link Addresses#ADMIN_EVENTS_PAGE}); the
   * first page of an export passes {@code sealedThrough} null and gets the chain head back.
   */
  Future<JsonObject> eventsPage(long after, int limit, String runId, Long sealedThrough) {
    return bus.request(Addresses.ADMIN_EVENTS_PAGE, new JsonObject().put("after", after).put("limit", limit)
        .put("run_id", runId).put("sealed_through", sealedThrough));
  }

  /** Replies one orchestrator's status (leader, epoch, breaker, outage, protocol counters, retention). */
  Future<JsonObject> status() {
    return bus.request(Addresses.ORCHESTRATOR_STATUS, new JsonObject());
  }
}
