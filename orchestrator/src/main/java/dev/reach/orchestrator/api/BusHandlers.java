package dev.reach.orchestrator.api;

import dev.reach.orchestrator.admin.RunnerAdmission;
import dev.reach.shared.bus.Fields;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.bus.ConsumerSet;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import dev.reach.shared.error.ErrorCode;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Registers request/reply consumers whose handlers take a JSON body and return a future reply.
 * Whatever goes wrong (malformed body, refused transition, database down) becomes a failure reply
 * in the error contract — never silence.
 */
final class BusHandlers {
  private final ConsumerSet consumers;
  private final BiConsumer<String, ErrorCode> errors;

  /** {@code errors} is told the address and code of every failure reply. */
  BusHandlers(Vertx vertx, BiConsumer<String, ErrorCode> errors) {
    this.consumers = new ConsumerSet(vertx);
    this.errors = errors;
  }

  BusHandlers on(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return register(address, RunnerAdmission.open(), handler);
  }

  /**
   * Like {@link #on}, for the runner protocol: the message is handled only when {@code admission}
   * admits its sender (a runner that joined); otherwise the refusal is the reply.
   */
  BusHandlers onRunner(String address, RunnerAdmission admission, Function<JsonObject, Future<JsonObject>> handler) {
    return register(address, admission, handler);
  }

  private BusHandlers register(String address, RunnerAdmission admission,
      Function<JsonObject, Future<JsonObject>> handler) {
    consumers.add(address, msg -> {
      Future<JsonObject> reply;
      try {
        JsonObject body = Fields.body(msg.body());
        reply = admission.admit(address, msg.headers(), body).compose(v -> handler.apply(body));
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          errors.accept(address, BusErrors.classify(ar.cause()).code());
          BusErrors.fail(msg, ar.cause());
        }
      });
    });
    return this;
  }

  /** After a healed cluster split, registers every consumer again (on {@code context}). */
  BusHandlers reregisterOnMerge(Context context) {
    consumers.reregisterOnMerge(context);
    return this;
  }

  /** Completes when every registration reached the cluster. */
  Future<Void> ready() {
    return consumers.ready();
  }

  Future<Void> unregister() {
    return consumers.unregister();
  }
}
