package dev.reach.hub;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A hub on a plain (non-clustered) Vert.x with an HTTP client pointed at it.
 *
 * <p>The tests run on their own thread, not on Vert.x's, so whatever handles a response (its
 * {@code body()}, its handlers) is chained inside the request's callbacks, never onto a returned
 * future from the test thread: the event loop delivers a response's body and end right after its
 * headers, and a handler the test thread attaches only after that (it can lag by milliseconds, more
 * so while the JVM is still warming up) finds them gone and waits forever.
 */
final class HubFixture implements AutoCloseable {
  static final long WAIT_SECONDS = 20;

  final Vertx vertx;
  final ReachNode node;
  final HubService hub;
  final HttpClient client;
  private final Path stateDir;

  private HubFixture(Vertx vertx, ReachNode node, HubService hub, Path stateDir) {
    this.stateDir = stateDir;
    this.vertx = vertx;
    this.node = node;
    this.hub = hub;
    this.client = vertx.createHttpClient();
  }

  static HubFixture start() {
    return start(Map.of());
  }

  static HubFixture start(Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("REACH_HTTP_PORT", "0");
    // these tests are about the API's behaviour, not who may call it (ApiRolesTest): the public API
    // without tokens, as in local mode; the admin API still needs its token
    env.putIfAbsent("REACH_AUTH", "false");
    Path stateDir;
    try {
      stateDir = Files.createTempDirectory("reach-hub-state");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.putIfAbsent("REACH_STATE_DIR", stateDir.toString()); // alert state, removed at close
    Vertx vertx = Vertx.vertx();
    ReachNode node = ReachNode.of(vertx, ReachConfig.from(env, 0));
    try {
      return new HubFixture(vertx, node, await(HubService.deploy(node)), stateDir);
    } catch (RuntimeException | Error e) {
      vertx.close();
      delete(stateDir);
      throw e;
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out waiting for " + future, e);
    }
  }

  RequestOptions options(HttpMethod method, String uri) {
    return new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(hub.httpPort()).setURI(uri);
  }

  HttpReply call(HttpMethod method, String uri) {
    return call(method, uri, MultiMap.caseInsensitiveMultiMap(), null);
  }

  HttpReply call(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    RequestOptions options = options(method, uri).setHeaders(headers);
    return await(client.request(options).compose(req -> (body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new HttpReply(resp.statusCode(), resp.headers(), b)))));
  }

  HttpReply get(String uri) {
    return call(HttpMethod.GET, uri);
  }

  HttpReply postJson(String uri, JsonObject body) {
    return postJson(uri, body, MultiMap.caseInsensitiveMultiMap());
  }

  HttpReply postJson(String uri, JsonObject body, MultiMap headers) {
    headers.set("Content-Type", "application/json");
    return call(HttpMethod.POST, uri, headers, body.toBuffer());
  }

  /**
   * Opens a request and resolves, as soon as the response headers arrive, with what {@code onHead}
   * makes of the response (the body is then streamed). {@code onHead} runs on the event loop before
   * any of the body is delivered, so that is where the body's handlers must be set.
   */
  <T> Future<T> open(String uri, Function<HttpClientResponse, T> onHead) {
    return client.request(options(HttpMethod.GET, uri)).compose(req -> req.send().map(onHead));
  }

  @Override
  public void close() {
    try {
      await(vertx.close());
    } finally {
      delete(stateDir);
    }
  }

  /** A complete answer. */
  record HttpReply(int status, MultiMap headers, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }

    JsonObject error() {
      return json().getJsonObject("error");
    }

    String text() {
      return body.toString();
    }
  }

  private static void delete(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir left behind is not a test failure
    }
  }
}
