package dev.reach.shared.heal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real verticle under supervision: a blocked event loop is found STUCK, a vanished deployment
 * FAILED, and a restart of an HTTP verticle keeps serving on the same port throughout.
 */
class VerticleSupervisorTest {
  final Vertx vertx = Vertx.vertx();
  final AtomicInteger generation = new AtomicInteger();
  volatile int port;

  /**
   * Answers its generation number over HTTP on a fixed port (as the hub does: a configured port 0 is
   * resolved to a free port once, at first start). Vert.x shares one listening socket between the
   * servers of a JVM that ask for the same host and port, so new instances join the old ones' port.
   */
  final class Numbered extends VerticleBase {
    final int number = generation.incrementAndGet();
    HttpServer server;

    @Override
    public Future<?> start() {
      // configured like the services' servers: HTTP/1.1 only, and a graceful shutdown on stop
      return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(false))
          .requestHandler(req -> req.response().end("gen " + number))
          .listen(port, "127.0.0.1").onSuccess(s -> {
            server = s;
            port = s.actualPort();
          });
    }

    @Override
    public Future<?> stop() {
      return server.shutdown(5, TimeUnit.SECONDS);
    }

    /** Runs {@code action} on this instance's own context (as a request handler of it would). */
    <T> Future<T> onOwnContext(java.util.function.Supplier<Future<T>> action) {
      io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
      context.runOnContext(v -> action.get().onComplete(p));
      return p.future();
    }

    /** Blocks this instance's event loop until {@code release} (as a runaway handler would). */
    void blockUntil(CountDownLatch release) throws InterruptedException {
      CountDownLatch blocked = new CountDownLatch(1);
      context.runOnContext(v -> {
        blocked.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  VerticleSupervisorTest() throws Exception {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aBlockedEventLoopIsStuckAndAVanishedDeploymentFailed() throws Exception {
    var supervisor = new VerticleSupervisor<>(vertx, "numbered", Numbered::new, new DeploymentOptions(), 300, () -> null);
    supervisor.deploy().await();
    assertThat(supervisor.probe().await().kind()).isEqualTo(Probe.Kind.HEALTHY);

    CountDownLatch release = new CountDownLatch(1);
    supervisor.instances().get(0).blockUntil(release);
    try {
      assertThat(supervisor.probe().await().kind()).isEqualTo(Probe.Kind.STUCK);
    } finally {
      release.countDown();
    }
    assertThat(supervisor.probe().await().kind()).isEqualTo(Probe.Kind.HEALTHY);

    vertx.undeploy(supervisor.deploymentId()).await();
    assertThat(supervisor.probe().await().kind()).isEqualTo(Probe.Kind.FAILED);
  }

  @Test
  void aComponentWaitingOnADependencyReportsItInsteadOfBeingHealthy() {
    var supervisor = new VerticleSupervisor<>(vertx, "numbered", Numbered::new, new DeploymentOptions(), 300,
        () -> "database circuit breaker open");
    supervisor.deploy().await();
    Probe p = supervisor.probe().await();
    assertThat(p.kind()).isEqualTo(Probe.Kind.DEPENDENCY_DOWN);
    assertThat(p.needsHealing()).isFalse();
  }

  @Test
  void aRestartKeepsTheSamePortAndNeverStopsAnswering() throws Exception {
    var supervisor = new VerticleSupervisor<>(vertx, "numbered", Numbered::new, new DeploymentOptions(), 1_000,
        () -> null);
    supervisor.deploy().await();
    int before = port;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    assertThat(get(http, before)).isEqualTo("gen 1");

    supervisor.restart("test").await();

    assertThat(port).isEqualTo(before);
    assertThat(supervisor.instances().get(0).number).isEqualTo(2);
    // while the old instance drains and goes, every request on the same port is answered
    for (int i = 0; i < 20; i++) {
      assertThat(get(http, before)).isIn("gen 1", "gen 2");
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> vertx.deploymentIDs().size() == 1);
    for (int i = 0; i < 5; i++) {
      assertThat(get(http, before)).isEqualTo("gen 2");
    }
  }

  @Test
  void aRestartAskedForFromTheOldInstanceItselfSurvivesTheOldOnesUndeploy() throws Exception {
    var supervisor = new VerticleSupervisor<>(vertx, "numbered", Numbered::new, new DeploymentOptions(), 1_000,
        () -> null);
    supervisor.deploy().await();
    // a deployment made on the old instance's context would be its child, undeployed with it
    supervisor.instances().get(0).onOwnContext(() -> supervisor.restart("asked by a request")).await();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> vertx.deploymentIDs().size() == 1);
    assertThat(vertx.deploymentIDs()).containsExactly(supervisor.deploymentId());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    assertThat(get(http, port)).isEqualTo("gen 2");
  }

  private static String get(HttpClient http, int port) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
  }

}
