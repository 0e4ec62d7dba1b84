package dev.reach.shared.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real HTTP server with {@link InFlightRequests} in front: a stop waits for the request in flight,
 * and the answers written once the stop began tell the client not to keep the connection.
 */
class InFlightRequestsTest {
  private Vertx vertx;
  private Context context;
  private HttpServer server;
  private HttpClient client;
  private final InFlightRequests inFlight = new InFlightRequests();
  private final Promise<Void> release = Promise.promise();
  private final CompletableFuture<Void> slowArrived = new CompletableFuture<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    CompletableFuture<HttpServer> listening = new CompletableFuture<>();
    context.runOnContext(v -> {
      Router router = Router.router(vertx);
      router.route().handler(inFlight);
      router.get("/fast").handler(ctx -> ctx.response().end("fast"));
      router.get("/slow").handler(ctx -> {
        slowArrived.complete(null);
        release.future().onComplete(x -> ctx.response().end("slow"));
      });
      vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .onSuccess(listening::complete).onFailure(listening::completeExceptionally);
    });
    server = listening.get(10, TimeUnit.SECONDS);
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Future<HttpClientResponse> get(String path) {
    return client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", path)
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp)));
  }

  @Test
  void answersWrittenAfterTheStopBeganCloseTheirConnection() throws Exception {
    HttpClientResponse before = get("/fast").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(before.getHeader("Connection")).as("a serving server keeps connections").isNull();

    CompletableFuture<HttpClientResponse> slow = get("/slow").toCompletionStage().toCompletableFuture();
    slowArrived.get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> idle = new CompletableFuture<>();
    context.runOnContext(v -> inFlight.idle(vertx, 30_000).onComplete(ar -> idle.complete(null)));
    assertThat(idle).as("the stop waits for the request in flight").isNotDone();

    context.runOnContext(v -> release.complete());
    HttpClientResponse during = slow.get(10, TimeUnit.SECONDS);
    assertThat(during.statusCode()).isEqualTo(200);
    assertThat(during.getHeader("Connection")).isEqualTo("close");
    idle.get(10, TimeUnit.SECONDS);
  }
}
