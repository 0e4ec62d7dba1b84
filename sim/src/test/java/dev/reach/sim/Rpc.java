package dev.reach.sim;

import dev.reach.shared.error.ErrorCode;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Request and reply over the simulated network, like {@code eventBus().request} with a send
 * timeout: the handler runs on the receiving orchestrator when (if) the request arrives; the first
 * of reply and timeout completes the call, anything later is dropped. A duplicated request runs
 * the handler twice.
 */
final class Rpc {
  private final Network network;

  Rpc(Network network) {
    this.network = network;
  }

  <T> void call(SimNode from, SimOrchestrator to, String what, Function<SimOrchestrator, Outcome<T>> handler, long timeoutMs,
      Consumer<Outcome<T>> onReply) {
    boolean[] done = {false};
    int caller = from.generation(); // a reply to a dead process's request is not its successor's
    Consumer<Outcome<T>> once = out -> {
      if (!done[0] && from.generation() == caller) {
        done[0] = true;
        onReply.accept(out);
      }
    };
    if (to == null) {
      from.timer(0, () -> once.accept(Outcome.fail(ErrorCode.ORCHESTRATOR_UNAVAILABLE, "no orchestrator is reachable on the cluster")));
      return;
    }
    network.send(from, to, what, () -> {
      Outcome<T> out = handler.apply(to);
      network.send(to, from, "reply to " + what, () -> once.accept(out));
    });
    from.timer(timeoutMs, () -> once.accept(Outcome.fail(ErrorCode.TIMEOUT, "orchestrator did not answer in time")));
    from.requestSent();
  }
}
