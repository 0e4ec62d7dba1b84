package dev.reach.runner.fakes;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the artifact store's HTTP API as the runner uses it ({@code POST /v1/logs/JOB/ATTEMPT?token&offset[&seal]},
 * {@code PUT /v1/artifacts/JOB/ATTEMPT/PATH?token}), with scripted failures: the next N log appends answer a status and
 * code, artifact uploads fail with a code, or a token is stale.
 */
public final class FakeArtifactStore implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, Buffer> logs = new ConcurrentHashMap<>();
  private final Set<String> sealed = ConcurrentHashMap.newKeySet();
  private final Map<String, Buffer> artifacts = new ConcurrentHashMap<>();
  private final Set<Long> staleTokens = ConcurrentHashMap.newKeySet();
  public final AtomicInteger logRequests = new AtomicInteger();
  public final AtomicInteger artifactRequests = new AtomicInteger();
  private final AtomicInteger logFailuresLeft = new AtomicInteger();
  private volatile int logFailureStatus;
  private volatile ErrorCode logFailureCode;
  private volatile ErrorCode artifactFailure;
  private final AtomicInteger answersToLose = new AtomicInteger();

  private FakeArtifactStore(HttpServer server) {
    this.server = server;
  }

  public static FakeArtifactStore start(Vertx vertx) {
    FakeArtifactStore[] holder = new FakeArtifactStore[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> holder[0].handle(req));
    holder[0] = new FakeArtifactStore(server);
    server.listen(0, "127.0.0.1").await();
    return holder[0];
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The next {@code n} log appends answer {@code status} with {@code code} (or, with a null code, a body that is not JSON). */
  public void failNextLogAppends(int n, int status, ErrorCode code) {
    logFailureStatus = status;
    logFailureCode = code;
    logFailuresLeft.set(n);
  }

  /** The next {@code n} log appends are stored but answered with a 503, as if the answer was lost on the way. */
  public void loseNextAnswers(int n) {
    answersToLose.set(n);
  }

  /** Every artifact upload fails with {@code code} (null: uploads work again). */
  public void failArtifacts(ErrorCode code) {
    artifactFailure = code;
  }

  /** Requests carrying {@code token} are refused as {@code STALE_LEASE}. */
  public void makeStale(long token) {
    staleTokens.add(token);
  }

  public String log(String jobId, int attempt) {
    Buffer b = logs.get(jobId + "/" + attempt);
    return b == null ? null : b.toString(StandardCharsets.UTF_8);
  }

  public boolean sealed(String jobId, int attempt) {
    return sealed.contains(jobId + "/" + attempt);
  }

  public String artifact(String jobId, int attempt, String path) {
    Buffer b = artifacts.get(jobId + "/" + attempt + "/" + path);
    return b == null ? null : b.toString(StandardCharsets.UTF_8);
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      String path = req.path();
      long token = Long.parseLong(req.getParam("token", "-1"));
      if (path.startsWith("/v1/logs/")) {
        logRequests.incrementAndGet();
        appendLog(req, path.substring("/v1/logs/".length()), token, body);
      } else if (path.startsWith("/v1/artifacts/")) {
        artifactRequests.incrementAndGet();
        putArtifact(req, path.substring("/v1/artifacts/".length()), token, body);
      } else {
        error(req, new ReachException(ErrorCode.NOT_FOUND, "no such route"), new JsonObject());
      }
    });
  }

  private void appendLog(HttpServerRequest req, String key, long token, Buffer body) {
    if (logFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      if (logFailureCode == null) {
        req.response().setStatusCode(logFailureStatus).end("Service Unavailable");
      } else {
        error(req, new ReachException(logFailureCode, "scripted failure"), new JsonObject());
      }
      return;
    }
    if (staleTokens.contains(token)) {
      error(req, new ReachException(ErrorCode.STALE_LEASE, "token " + token + " is not the current attempt's"), new JsonObject());
      return;
    }
    long offset = Long.parseLong(req.getParam("offset", "0"));
    Buffer log = logs.computeIfAbsent(key, k -> Buffer.buffer());
    synchronized (log) {
      if (offset != log.length()) {
        error(req, new ReachException(ErrorCode.LOG_OFFSET_MISMATCH, "the log has " + log.length() + " bytes"),
            new JsonObject().put("size", log.length()));
        return;
      }
      log.appendBuffer(body);
      if (answersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        error(req, new ReachException(ErrorCode.ARTIFACT_STORE_UNAVAILABLE, "answer lost"), new JsonObject());
        return;
      }
      boolean seal = "true".equals(req.getParam("seal"));
      JsonObject answer = new JsonObject().put("received", body.length()).put("size", log.length()).put("truncated", false)
          .put("sealed", seal);
      if (seal) {
        sealed.add(key);
        answer.put("sha256", sha256(log.getBytes()));
      }
      req.response().putHeader("content-type", "application/json").end(answer.encode());
    }
  }

  private void putArtifact(HttpServerRequest req, String key, long token, Buffer body) {
    ErrorCode failure = artifactFailure;
    if (failure != null) {
      error(req, new ReachException(failure, "scripted failure"), new JsonObject());
      return;
    }
    if (staleTokens.contains(token)) {
      error(req, new ReachException(ErrorCode.STALE_LEASE, "token " + token + " is not the current attempt's"), new JsonObject());
      return;
    }
    artifacts.put(key, body);
    String[] parts = key.split("/", 3);
    req.response().putHeader("content-type", "application/json")
        .end(new JsonObject().put("path", parts[2]).put("sha256", sha256(body.getBytes())).put("size", body.length()).encode());
  }

  private static void error(HttpServerRequest req, ReachException e, JsonObject extra) {
    JsonObject body = e.toBody();
    extra.forEach(en -> body.put(en.getKey(), en.getValue()));
    req.response().setStatusCode(e.code().httpStatus()).putHeader("content-type", "application/json").end(body.encode());
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close().await();
  }
}
