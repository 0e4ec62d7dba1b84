package dev.reach.hub;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.BusErrors;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Real event-bus consumers on the orchestrator's addresses, answering with whatever each test
 * sets (a reply, or a thrown ReachException sent back through {@link BusErrors#fail}) and
 * recording every message it receives.
 */
final class FakeOrchestrator {
  private final Vertx vertx;
  private final Map<String, Function<JsonObject, Object>> behaviour = new ConcurrentHashMap<>();
  private final Map<String, List<JsonObject>> received = new ConcurrentHashMap<>();
  private final Map<String, List<Message<Object>>> unanswered = new ConcurrentHashMap<>();
  private final List<MessageConsumer<Object>> consumers = new CopyOnWriteArrayList<>();

  FakeOrchestrator(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Serves {@code address} with {@code answer}; a null answer means "no reply" (the test may answer later, see {@link #unanswered}). */
  FakeOrchestrator on(String address, Function<JsonObject, Object> answer) {
    behaviour.put(address, answer);
    if (consumers.stream().noneMatch(c -> c.address().equals(address))) {
      MessageConsumer<Object> c = vertx.eventBus().consumer(address, this::handle);
      HubFixture.await(c.completion());
      consumers.add(c);
    }
    return this;
  }

  FakeOrchestrator onAllAddresses() {
    on(Addresses.LIST_RUNNERS, m -> new JsonObject().put("runners", new io.vertx.core.json.JsonArray()));
    return this;
  }

  List<JsonObject> received(String address) {
    return received.getOrDefault(address, List.of());
  }

  /** The messages to {@code address} left unanswered so far (their answer was null), in arrival order. */
  List<Message<Object>> unanswered(String address) {
    return unanswered.getOrDefault(address, List.of());
  }

  int receivedTotal() {
    return received.values().stream().mapToInt(List::size).sum();
  }

  private void handle(Message<Object> msg) {
    JsonObject body = (JsonObject) msg.body();
    received.computeIfAbsent(msg.address(), a -> new CopyOnWriteArrayList<>()).add(body);
    Object reply;
    try {
      reply = behaviour.get(msg.address()).apply(body);
    } catch (RuntimeException e) {
      BusErrors.fail(msg, e);
      return;
    }
    if (reply != null) {
      msg.reply(reply);
    } else {
      unanswered.computeIfAbsent(msg.address(), a -> new CopyOnWriteArrayList<>()).add(msg);
    }
  }
}
