package dev.reach.orchestrator.api;

import dev.reach.orchestrator.store.EventChainStore;
import dev.reach.shared.audit.SealedEvent;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.Fields;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The orchestrator's side of the event export ({@link Addresses#ADMIN_EVENTS_PAGE}): one page of
 * events in chain order with their seals. The first request of an export carries no
 * {@code sealed_through}; its reply names the chain head, and the hub passes its seq on with every
 * later page, so the whole export is sealed up to the same head.
 */
public final class EventsBusApi extends VerticleBase {
  /** The largest page served, whatever is asked. */
  public static final int MAX_PAGE = 2_000;

  private final EventChainStore store;
  private final ProtocolCounters counters;
  private BusHandlers handlers;

  public EventsBusApi(EventChainStore store, ProtocolCounters counters) {
    this.store = store;
    this.counters = counters;
  }

  @Override
  public Future<?> start() {
    handlers = new BusHandlers(vertx, counters::requestError)
        .on(Addresses.ADMIN_EVENTS_PAGE, this::page)
        .reregisterOnMerge(context);
    return handlers.ready();
  }

  @Override
  public Future<?> stop() {
    return handlers.unregister();
  }

  private Future<JsonObject> page(JsonObject body) {
    long after = Fields.longValue(body, "after");
    int limit = (int) Math.max(1, Math.min(MAX_PAGE, Fields.longValue(body, "limit")));
    UUID run = runId(Fields.optString(body, "run_id"));
    Object through = body.getValue("sealed_through");
    Future<EventChainStore.Head> head = through == null ? store.head() : Future.succeededFuture(null);
    return head.compose(h -> {
      long sealedThrough = through == null ? (h == null ? 0 : h.seq()) : Fields.longValue(body, "sealed_through");
      return store.exportPage(after, limit, sealedThrough, run).map(events -> {
        JsonArray list = new JsonArray();
        for (SealedEvent e : events) {
          list.add(e.toJson());
        }
        JsonObject reply = new JsonObject().put("events", list).put("more", events.size() == limit);
        if (through == null) {
          reply.put("head", h == null ? null : h.toJson());
        }
        return reply;
      });
    });
  }

  private static UUID runId(String s) {
    if (s == null) {
      return null;
    }
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw new ReachException(ErrorCode.MALFORMED_MESSAGE, "field 'run_id' must be a UUID", "run_id");
    }
  }
}
