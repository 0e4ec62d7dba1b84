package dev.reach.orchestrator.api;

import dev.reach.orchestrator.secrets.EnvironmentSecretStore;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.Fields;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * The admin API for environment secrets on the event bus (the hub forwards its admin routes here):
 * set, list names, delete. Answers and errors name secrets, never a value.
 */
public final class SecretsBusApi extends VerticleBase {
  private final EnvironmentSecretStore store;
  private final ProtocolCounters counters;
  private BusHandlers handlers;

  public SecretsBusApi(EnvironmentSecretStore store, ProtocolCounters counters) {
    this.store = store;
    this.counters = counters;
  }

  @Override
  public Future<?> start() {
    handlers = new BusHandlers(vertx, counters::requestError)
        .on(Addresses.ADMIN_SECRET_SET, b -> store.set(Fields.string(b, "environment"), Fields.string(b, "name"),
            Fields.string(b, "value"), actor(b)))
        .on(Addresses.ADMIN_SECRET_LIST, b -> store.list(Fields.string(b, "environment"))
            .map(list -> new JsonObject().put("environment", b.getString("environment")).put("secrets", list)))
        .on(Addresses.ADMIN_SECRET_DELETE, b -> store.delete(Fields.string(b, "environment"), Fields.string(b, "name"),
            actor(b)).map(v -> new JsonObject().put("deleted", true)))
        .reregisterOnMerge(context);
    return handlers.ready();
  }

  @Override
  public Future<?> stop() {
    return handlers.unregister();
  }

  private static String actor(JsonObject b) {
    String a = Fields.optString(b, "actor");
    return a == null ? "anonymous" : a;
  }
}
