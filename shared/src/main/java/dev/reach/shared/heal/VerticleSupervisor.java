package dev.reach.shared.heal;

import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A verticle deployment under the watchdog. A probe finds it {@code FAILED} when its deployment is
 * gone, {@code STUCK} when an instance's context does not run a task within {@code stuckMs} (its
 * event loop is blocked), {@code DEPENDENCY_DOWN} when {@code dependencyDown} names a reason, else
 * healthy. A restart deploys fresh instances first and only then undeploys the old ones (which
 * drain), so a server verticle keeps its port: Vert.x shares a listening port between the
 * instances of one JVM, and the factory is asked for the port the old instances hold.
 */
public final class VerticleSupervisor<V extends VerticleBase> implements Supervised {
  private static final Logger LOG = Logger.getLogger(VerticleSupervisor.class.getName());

  private final Vertx vertx;
  private final String name;
  private final Supplier<V> factory;
  private final DeploymentOptions options;
  private final long stuckMs;
  private final Supplier<String> dependencyDown;
  private volatile Deployment current;

  /** One deployment and the instances it made, each with the context it was deployed on. */
  private record Deployment(String id, List<Instance<?>> instances) {}

  private static final class Instance<T extends VerticleBase> implements Deployable {
    final T verticle;
    volatile Context context;

    Instance(T verticle) {
      this.verticle = verticle;
    }

    @Override
    public Future<?> deploy(Context ctx) throws Exception {
      this.context = ctx;
      return verticle.deploy(ctx);
    }

    @Override
    public Future<?> undeploy(Context ctx) throws Exception {
      return verticle.undeploy(ctx);
    }
  }

  /**
   * @param dependencyDown the reason the component cannot work because a dependency is down
   *     (left to that dependency's breaker), or null when its dependencies are fine
   */
  public VerticleSupervisor(Vertx vertx, String name, Supplier<V> factory, DeploymentOptions options, long stuckMs,
      Supplier<String> dependencyDown) {
    this.vertx = vertx;
    this.name = name;
    this.factory = factory;
    this.options = options;
    this.stuckMs = stuckMs;
    this.dependencyDown = dependencyDown == null ? () -> null : dependencyDown;
  }

  @Override
  public String name() {
    return name;
  }

  /** Deploys the first instances. */
  public Future<String> deploy() {
    return deployNew().map(d -> {
      current = d;
      return d.id();
    });
  }

  /** The instances now serving (the newest deployment's). */
  @SuppressWarnings("unchecked")
  public List<V> instances() {
    Deployment d = current;
    return d == null ? List.of() : d.instances().stream().map(i -> (V) i.verticle).toList();
  }

  public String deploymentId() {
    Deployment d = current;
    return d == null ? null : d.id();
  }

  /**
   * Deploys from the watchdog's own thread, never from the caller's context: a deployment made on a
   * verticle's context is that verticle's child and would be undeployed with it — a restart asked
   * for by a request to the old instance would take the new one down too.
   */
  private Future<Deployment> deployNew() {
    List<Instance<?>> made = new CopyOnWriteArrayList<>();
    Promise<Deployment> done = Promise.promise();
    WatchdogThread.schedule(() -> vertx.deployVerticle(() -> {
      Instance<V> i = new Instance<>(factory.get());
      made.add(i);
      return i;
    }, options).map(id -> new Deployment(id, List.copyOf(made))).onComplete(done), 0, TimeUnit.MILLISECONDS);
    return done.future();
  }

  @Override
  public Future<Probe> probe() {
    Deployment d = current;
    if (d == null || !vertx.deploymentIDs().contains(d.id())) {
      return Future.succeededFuture(Probe.failed("deployment " + (d == null ? "missing" : d.id() + " is gone")));
    }
    List<Future<Boolean>> pings = d.instances().stream().map(this::ping).toList();
    return Future.join(pings).transform(ar -> {
      for (int i = 0; i < pings.size(); i++) {
        if (!Boolean.TRUE.equals(pings.get(i).result())) {
          return Future.succeededFuture(Probe.stuck("instance " + (i + 1) + " of " + pings.size()
              + " did not run a task on its context within " + stuckMs + " ms"));
        }
      }
      String down = dependencyDown.get();
      return Future.succeededFuture(down == null ? Probe.HEALTHY : Probe.dependencyDown(down));
    });
  }

  /** True when the instance's context runs a task within stuckMs; the timeout runs off the event loops. */
  private Future<Boolean> ping(Instance<?> instance) {
    Context ctx = instance.context;
    if (ctx == null) {
      return Future.succeededFuture(false);
    }
    Promise<Boolean> p = Promise.promise();
    var timeout = WatchdogThread.schedule(() -> p.tryComplete(false), stuckMs, TimeUnit.MILLISECONDS);
    ctx.runOnContext(v -> {
      timeout.cancel(false);
      p.tryComplete(true);
    });
    return p.future();
  }

  /**
   * New instances first; once they serve, the old ones are undeployed in the background (they
   * drain their requests in flight, including the one that may have asked for this restart).
   */
  @Override
  public Future<Void> restart(String reason) {
    Deployment old = current;
    return deployNew().map(d -> {
      current = d;
      if (old != null && vertx.deploymentIDs().contains(old.id())) {
        vertx.undeploy(old.id()).onComplete(ar -> {
          if (ar.failed()) {
            LOG.warning(name + ": old deployment " + old.id() + " did not stop cleanly: " + ar.cause());
          }
        });
      }
      LOG.info(name + ": restarted (" + reason + "), deployment " + d.id() + " serving");
      return null;
    });
  }

  /** Undeploys the instances now serving. */
  public Future<Void> undeploy() {
    Deployment d = current;
    current = null;
    return d == null || !vertx.deploymentIDs().contains(d.id()) ? Future.succeededFuture() : vertx.undeploy(d.id());
  }
}
