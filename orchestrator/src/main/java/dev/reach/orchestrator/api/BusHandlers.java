package dev.reach.orchestrator.api;

import dev.reach.shared.bus.Fields;
import dev.reach.shared.error.BusErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Registers request/reply consumers whose handlers take a JSON body and return a future reply.
 * Whatever goes wrong (malformed body, refused transition, database down) becomes a failure reply
 * in the error contract — never silence.
 */
final class BusHandlers {
  private final Vertx vertx;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();

  BusHandlers(Vertx vertx) {
    this.vertx = vertx;
  }

  BusHandlers on(String address, Function<JsonObject, Future<JsonObject>> handler) {
    consumers.add(vertx.eventBus().consumer(address, msg -> {
      Future<JsonObject> reply;
      try {
        reply = handler.apply(Fields.body(msg.body()));
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          BusErrors.fail(msg, ar.cause());
        }
      });
    }));
    return this;
  }

  /** Completes when every registration reached the cluster. */
  Future<Void> ready() {
    List<Future<Void>> all = new ArrayList<>();
    consumers.forEach(c -> all.add(c.completion()));
    return Future.all(all).mapEmpty();
  }

  Future<Void> unregister() {
    List<Future<Void>> all = new ArrayList<>();
    consumers.forEach(c -> all.add(c.unregister()));
    return Future.all(all).mapEmpty();
  }
}
