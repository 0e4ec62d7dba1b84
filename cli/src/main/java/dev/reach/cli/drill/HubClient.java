package dev.reach.cli.drill;

import dev.reach.cli.ApiClient;
import dev.reach.cli.ApiClient.ApiException;
import dev.reach.cli.CliException;
import dev.reach.cli.ExitCodes;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * The hub's API as a drill uses it while it hurts the cluster: reads and submissions are retried, a
 * second apart and for at most {@link #RETRY_WINDOW}, while the hub cannot be reached or answers 503/504,
 * as a careful client does during an outage; any other error answer is final.
 */
final class HubClient {
  static final java.time.Duration RETRY_WINDOW = java.time.Duration.ofSeconds(120);

  private final ApiClient api;
  private final Map<String, String> admin;

  HubClient(ApiClient api, Map<String, String> adminHeaders) {
    this.api = api;
    this.admin = adminHeaders;
  }

  String base() {
    return api.base();
  }

  /** Submits a run under a fresh idempotency key (the same key on every retry); its id. */
  String submit(JsonObject run) {
    return submit(run, "drill-" + UUID.randomUUID());
  }

  /** Submits a run under {@code key}, retried while the hub or the database is away; its id. */
  String submit(JsonObject run, String key) {
    Map<String, String> headers = Map.of("Idempotency-Key", key);
    byte[] body = run.encode().getBytes(StandardCharsets.UTF_8);
    return retried(() -> api.postJson("/api/v1/runs", body, headers).body().getString("id"));
  }

  /** One submission under {@code key}, no retry: what a client sees right now. */
  ApiClient.JsonReply submitOnce(JsonObject run, String key) {
    return api.postJson("/api/v1/runs", run.encode().getBytes(StandardCharsets.UTF_8), Map.of("Idempotency-Key", key));
  }

  JsonObject run(String id) {
    return retried(() -> api.getJson("/api/v1/runs/" + ApiClient.segment(id)).body());
  }

  JsonObject runners() {
    return retried(() -> api.getJson("/api/v1/runners").body());
  }

  JsonObject deadLetters() {
    return retried(() -> api.getJson("/api/v1/dead-letters").body());
  }

  JsonObject systemStatus() {
    return retried(() -> api.getJson("/admin/api/system-status", admin).body());
  }

  /** One read of the system status, no retry. */
  JsonObject systemStatusOnce() {
    return api.getJson("/admin/api/system-status", admin).body();
  }

  /** The hub's {@code /health/deep} report (also when it answers 503), one try. */
  JsonObject deepHealthOnce() {
    return api.getJsonAnyStatus("/health/deep").body();
  }

  /** Appends a drill step to the event log, one try (the database may be what the drill took away); its seq. */
  long drillEventOnce(JsonObject event) {
    byte[] bytes = event.encode().getBytes(StandardCharsets.UTF_8);
    return api.postJson("/admin/api/drill-events", bytes, admin).body().getLong("seq");
  }

  /** As {@link #drillEventOnce}, retried while the cluster recovers. */
  long drillEvent(JsonObject event) {
    return retried(() -> drillEventOnce(event));
  }

  /** Records a backup's outcome ({@code backup_taken} / {@code backup_failed}), retried while the cluster recovers. */
  long backupEvent(String type, String backupId, JsonObject detail) {
    byte[] bytes = new JsonObject().put("type", type).put("backup_id", backupId).put("detail", detail).encode()
        .getBytes(StandardCharsets.UTF_8);
    return retried(() -> api.postJson("/admin/api/backup-events", bytes, admin).body().getLong("seq"));
  }

  /** The projections compared with a replay of the event log (a dry-run rebuild): its report. */
  JsonObject projectionsDryRun() {
    byte[] bytes = new JsonObject().put("dry_run", true).encode().getBytes(StandardCharsets.UTF_8);
    return retried(() -> api.postJson("/admin/api/projections/rebuild", bytes, admin, java.time.Duration.ofMinutes(11)).body());
  }

  /** The event log's export (JSON lines), streamed; the caller closes it. */
  InputStream events() {
    return retried(() -> api.stream("/admin/api/events", admin));
  }

  private interface Call<T> {
    T call();
  }

  private static <T> T retried(Call<T> call) {
    CliException last = null;
    long deadline = System.nanoTime() + RETRY_WINDOW.toNanos();
    while (last == null || System.nanoTime() < deadline) {
      try {
        return call.call();
      } catch (ApiException e) {
        if (e.status() != 503 && e.status() != 504) {
          throw e;
        }
        last = e;
      } catch (CliException e) {
        if (e.exitCode() != ExitCodes.UNREACHABLE) {
          throw e;
        }
        last = e;
      }
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DrillException("interrupted", e);
      }
    }
    throw last;
  }
}
