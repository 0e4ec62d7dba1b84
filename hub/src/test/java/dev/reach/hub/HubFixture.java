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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A hub on a plain (non-clustered) Vert.x with an HTTP client pointed at it. */
final class HubFixture implements AutoCloseable {
  static final long WAIT_SECONDS = 20;

  final Vertx vertx;
  final ReachNode node;
  final HubService hub;
  final HttpClient client;

  private HubFixture(Vertx vertx, ReachNode node, HubService hub) {
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
    Vertx vertx = Vertx.vertx();
    ReachNode node = ReachNode.of(vertx, ReachConfig.from(env, 0));
    try {
      return new HubFixture(vertx, node, await(HubService.deploy(node)));
    } catch (RuntimeException | Error e) {
      vertx.close();
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
    return await(client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new HttpReply(resp.statusCode(), resp.headers(), b))));
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

  /** Opens a request and resolves as soon as the response headers arrive (the body is then streamed). */
  Future<HttpClientResponse> open(String uri) {
    return client.request(options(HttpMethod.GET, uri)).compose(req -> req.send());
  }

  @Override
  public void close() {
    await(vertx.close());
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
}
