package dev.reach.runner.ship;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * HTTP client of the artifact store. Its base URL is configured ({@code REACH_ARTIFACT_URL}) or
 * asked of the cluster, and asked again after a failure (the store may have moved).
 */
public final class ArtifactClient {
  private final Vertx vertx;
  private final String configuredUrl;
  private final long timeoutMs;
  private final HttpClient http;
  private Future<String> baseUrl;

  public ArtifactClient(Vertx vertx, String configuredUrl, long timeoutMs, int connections) {
    this.vertx = vertx;
    this.configuredUrl = configuredUrl;
    this.timeoutMs = timeoutMs;
    this.http = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout((int) Math.min(timeoutMs, 5_000)),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  private Future<String> baseUrl() {
    if (configuredUrl != null) {
      return Future.succeededFuture(configuredUrl);
    }
    if (baseUrl == null || baseUrl.failed()) {
      baseUrl = vertx.eventBus()
          .<JsonObject>request(Addresses.ARTIFACT_ENDPOINT, new JsonObject(), new DeliveryOptions().setSendTimeout(timeoutMs))
          .map(m -> m.body().getString("url"));
    }
    return baseUrl;
  }

  /** Appends {@code chunk} at {@code offset} to the attempt's log; with {@code seal} the log is sealed after it. */
  public Future<JsonObject> appendLog(String jobId, int attempt, long token, long offset, Buffer chunk, boolean seal) {
    String path = "/v1/logs/" + jobId + "/" + attempt + "?token=" + token + "&offset=" + offset + (seal ? "&seal=true" : "");
    return send(HttpMethod.POST, path, chunk);
  }

  /** Streams a file of the workspace to the store as artifact {@code name}. */
  public Future<JsonObject> putArtifact(String jobId, int attempt, long token, String name, Path file) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true))
        .recover(t -> Future.failedFuture(new ReachException(ErrorCode.INTERNAL, "cannot read " + name + ": " + t.getMessage())))
        .compose(f -> baseUrl()
            .compose(base -> http.request(new RequestOptions()
                .setMethod(HttpMethod.PUT)
                .setAbsoluteURI(base + "/v1/artifacts/" + jobId + "/" + attempt + "/" + encodePath(name) + "?token=" + token)
                .setTimeout(timeoutMs * 6)))
            // the body is read inside the send's callback, before any of it can be delivered
            .compose(req -> req.send(f).compose(resp -> resp.body().map(body -> answer(resp.statusCode(), body))))
            .recover(ArtifactClient::asStoreFailure)
            .onFailure(this::forgetUrlUnlessAnswered)
            .eventually(f::close));
  }

  private Future<JsonObject> send(HttpMethod method, String path, Buffer body) {
    return baseUrl()
        .compose(base -> http.request(new RequestOptions().setMethod(method).setAbsoluteURI(base + path).setTimeout(timeoutMs)))
        .compose(req -> req.send(body).compose(resp -> resp.body().map(b -> answer(resp.statusCode(), b))))
        .recover(ArtifactClient::asStoreFailure)
        .onFailure(this::forgetUrlUnlessAnswered);
  }

  /** The store may have moved: look its URL up again after a failure that was not its own answer. */
  private void forgetUrlUnlessAnswered(Throwable t) {
    if (!(t instanceof ReachException re) || re.retryable()) {
      baseUrl = null;
    }
  }

  /**
   * Failures in the error contract: the store's own answers as they are; a failed lookup of its
   * URL, a refused connection, a reset or a timeout as retryable {@code ARTIFACT_STORE_UNAVAILABLE}.
   */
  private static <T> Future<T> asStoreFailure(Throwable t) {
    if (t instanceof ReachException) {
      return Future.failedFuture(t);
    }
    if (t instanceof ReplyException rx) {
      return Future.failedFuture(BusErrors.fromReply(rx, ErrorCode.ARTIFACT_STORE_UNAVAILABLE));
    }
    return Future.failedFuture(new ReachException(ErrorCode.ARTIFACT_STORE_UNAVAILABLE,
        "artifact store unreachable: " + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage())));
  }

  private static JsonObject answer(int status, Buffer body) {
    JsonObject json;
    try {
      json = body.length() == 0 ? new JsonObject() : body.toJsonObject();
    } catch (RuntimeException e) {
      throw new ReachException(ErrorCode.ARTIFACT_STORE_UNAVAILABLE, "artifact store answered " + status + " without JSON");
    }
    if (status >= 200 && status < 300) {
      return json;
    }
    JsonObject error = json.getJsonObject("error");
    if (error == null) {
      throw new ReachException(ErrorCode.ARTIFACT_STORE_UNAVAILABLE, "artifact store answered " + status);
    }
    return fail(error, json);
  }

  private static JsonObject fail(JsonObject error, JsonObject whole) {
    ReachException e = ReachException.fromJson(error);
    if (e.code() == ErrorCode.LOG_OFFSET_MISMATCH) {
      throw new OffsetMismatch(whole.getLong("size", 0L), e.getMessage());
    }
    throw e;
  }

  private static String encodePath(String name) {
    StringBuilder out = new StringBuilder();
    for (String seg : name.split("/")) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(java.net.URLEncoder.encode(seg, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }

  /** The store has {@code size} bytes of the log: resend from there. */
  public static final class OffsetMismatch extends ReachException {
    private final long size;

    OffsetMismatch(long size, String message) {
      super(ErrorCode.LOG_OFFSET_MISMATCH, message);
      this.size = size;
    }

    public long size() {
      return size;
    }
  }

  public Future<Void> close() {
    return http.close();
  }
}
