package dev.reach.orchestrator.api;

import dev.reach.orchestrator.store.RunStateStore;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.logging.Redactor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * dump-state: a run's rows, leases and events from the database (one snapshot), plus each involved
 * runner's own view of its leases and buffered reports, asked over the event bus (a runner that
 * does not answer in time is listed with the error). Stops nothing and locks nothing. Environment
 * values of job specs are masked: they may be secrets.
 */
public final class RunStateDump {
  /** The most events listed (the count covers all of them). */
  public static final int MAX_EVENTS = 1_000;

  private final Vertx vertx;
  private final RunStateStore store;
  private final long askTimeoutMs;

  public RunStateDump(Vertx vertx, RunStateStore store, long askTimeoutMs) {
    this.vertx = vertx;
    this.store = store;
    this.askTimeoutMs = askTimeoutMs;
  }

  public Future<JsonObject> dump(UUID runId) {
    return store.state(runId, MAX_EVENTS).compose(state -> store.runners(runId).compose(runners -> {
      JsonArray jobIds = new JsonArray();
      state.getJsonArray("jobs").forEach(j -> jobIds.add(((JsonObject) j).getString("id")));
      List<Future<JsonObject>> asks = new ArrayList<>();
      runners.forEach(r -> asks.add(ask(r, jobIds)));
      return Future.join(asks).transform(ar -> {
        JsonArray views = new JsonArray();
        asks.forEach(f -> views.add(f.result()));
        state.put("runner_views", views);
        state.put("events_listed", state.getJsonArray("events").size());
        return Future.succeededFuture(mask(state));
      });
    }));
  }

  private Future<JsonObject> ask(String runnerId, JsonArray jobIds) {
    return vertx.eventBus().<Object>request(Addresses.runnerLeases(runnerId), new JsonObject().put("job_ids", jobIds),
            new DeliveryOptions().setSendTimeout(askTimeoutMs))
        .map(m -> m.body() instanceof JsonObject o ? o : new JsonObject().put("runner_id", runnerId)
            .put("error", "unexpected answer"))
        .recover(t -> {
          ReachException e = BusErrors.classify(t);
          return Future.succeededFuture(new JsonObject().put("runner_id", runnerId)
              .put("error", e.code() + ": " + (t.getMessage() == null ? "no answer" : t.getMessage())));
        });
  }

  /** Masks the value of every {@code env} entry, wherever it is (specs in jobs and in run_submitted events). */
  static JsonObject mask(JsonObject o) {
    for (String k : List.copyOf(o.fieldNames())) {
      Object v = o.getValue(k);
      if ("env".equals(k) && v instanceof JsonObject env) {
        JsonObject masked = new JsonObject();
        env.fieldNames().forEach(n -> masked.put(n, Redactor.MASK));
        o.put(k, masked);
      } else if (v instanceof JsonObject child) {
        mask(child);
      } else if (v instanceof JsonArray a) {
        a.forEach(x -> {
          if (x instanceof JsonObject child) {
            mask(child);
          }
        });
      }
    }
    return o;
  }
}
