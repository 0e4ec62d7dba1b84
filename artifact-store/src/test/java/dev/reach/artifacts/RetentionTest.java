package dev.reach.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.artifacts.StoreFixture.Lease;
import dev.reach.shared.bus.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's half of retention against the real schema and disk: a purge is fenced by the
 * leadership epoch, takes only finished runs, deletes rows, log files and the blobs nothing else
 * refers to, and records an event; the sweep collects unreferenced blobs idle past the grace and
 * refuses to run against a database that is not the directory's.
 */
class RetentionTest {
  static final long GRACE_MS = 3_600_000;
  static StoreFixture store;
  long epoch;

  @BeforeAll
  static void start() throws Exception {
    store = StoreFixture.start(Map.of("REACH_BLOB_GRACE_MS", String.valueOf(GRACE_MS)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  @BeforeEach
  void newEpoch() throws Exception {
    epoch = store.sql("UPDATE leadership SET epoch = epoch + 1 RETURNING epoch").iterator().next().getLong("epoch");
  }

  @Test
  void aPurgeDeletesTheRunsRowsLogsAndUnsharedBlobsAndKeepsSharedOnes() throws Exception {
    Lease a = store.lease();
    store.post(a.logUri("offset=0"), "hello\n");
    store.post(a.logUri("offset=6&seal=true"), "");
    upload(a, "shared.txt", "the same bytes");
    upload(a, "own.txt", "only run a has these");
    store.end(a, "SUCCEEDED");
    Lease b = store.lease();
    upload(b, "copy.txt", "the same bytes");
    store.end(b, "SUCCEEDED");
    String shared = StoreFixture.sha256("the same bytes".getBytes(StandardCharsets.UTF_8));
    String own = StoreFixture.sha256("only run a has these".getBytes(StandardCharsets.UTF_8));
    age(own);
    age(shared);
    // the run's own sealed secret (ciphertext only) goes with it
    store.sql("INSERT INTO run_secrets (run_id, name, key_id, nonce, ciphertext)"
        + " VALUES ($1, 'S', 'k1', decode('000102030405060708090a0b', 'hex'), decode('ff', 'hex'))", runOf(a));

    JsonObject reply = purge(runOf(a), epoch);

    assertThat(reply.getBoolean("purged")).isTrue();
    assertThat(reply.getLong("logs")).isEqualTo(1);
    assertThat(reply.getLong("artifacts")).isEqualTo(2);
    assertThat(reply.getLong("log_bytes")).isEqualTo(6);
    assertThat(reply.getLong("blobs_deleted")).isEqualTo(1);
    assertThat(reply.getLong("secrets")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM run_secrets WHERE run_id = $1", runOf(a))).isZero();
    assertThat(count("SELECT count(*) FROM attempt_logs WHERE job_id = $1", a.jobId())).isZero();
    assertThat(count("SELECT count(*) FROM artifacts WHERE job_id = $1", a.jobId())).isZero();
    assertThat(Files.exists(store.dir.resolve("logs").resolve(a.jobId().toString()))).isFalse();
    assertThat(Files.exists(blob(own))).isFalse();
    assertThat(Files.exists(blob(shared))).as("run b still refers to the shared blob").isTrue();
    assertThat(store.get("/v1/artifacts/" + b.jobId() + "/1/copy.txt").body().toString()).isEqualTo("the same bytes");
    assertThat(count("SELECT count(*) FROM runs WHERE id = $1 AND purged_at IS NOT NULL", runOf(a))).isEqualTo(1);
    JsonObject event = new JsonObject(store.sql(
        "SELECT payload::text AS p FROM events WHERE type = 'run_purged' AND run_id = $1", runOf(a))
        .iterator().next().getString("p"));
    assertThat(event.getLong("epoch")).isEqualTo(epoch);
    assertThat(event.getLong("artifacts")).isEqualTo(2);
    assertThat(event.getLong("artifact_bytes")).isEqualTo(14 + 20);
    assertThat(event.getLong("retention_ms")).isEqualTo(1_000);
    assertThat(event.getLong("secrets")).isEqualTo(1);

    JsonObject again = purge(runOf(a), epoch);
    assertThat(again.getBoolean("purged")).as("purging twice changes nothing").isFalse();
    assertThat(count("SELECT count(*) FROM events WHERE type = 'run_purged' AND run_id = $1", runOf(a))).isEqualTo(1);
  }

  @Test
  void aDeposedLeadersPurgeChangesNothing() throws Exception {
    Lease a = store.lease();
    upload(a, "kept.txt", "kept by the fence");
    store.end(a, "SUCCEEDED");

    ReplyException refused = store.requestFailure(Addresses.ARTIFACT_PURGE_RUN,
        purgeRequest(runOf(a), epoch - 1));

    assertThat(refused.getMessage()).contains("NOT_LEADER");
    assertThat(count("SELECT count(*) FROM artifacts WHERE job_id = $1", a.jobId())).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM runs WHERE id = $1 AND purged_at IS NULL", runOf(a))).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM events WHERE type = 'run_purged' AND run_id = $1", runOf(a))).isZero();
  }

  @Test
  void aRunStillInFlightIsNotPurged() throws Exception {
    Lease a = store.lease();
    store.post(a.logUri("offset=0"), "still running\n");

    JsonObject reply = purge(runOf(a), epoch);

    assertThat(reply.getBoolean("purged")).isFalse();
    assertThat(Files.exists(store.logFile(a.key()))).isTrue();
    assertThat(count("SELECT count(*) FROM runs WHERE id = $1 AND purged_at IS NULL", runOf(a))).isEqualTo(1);
  }

  @Test
  void theSweepCollectsUnreferencedBlobsIdlePastTheGraceOnly() throws Exception {
    String oldOrphan = orphan("left by an upload refused half-way", Instant.now().minus(2, ChronoUnit.HOURS));
    String youngOrphan = orphan("an upload may be about to refer to me", Instant.now());
    Lease a = store.lease();
    upload(a, "used.txt", "referenced and old");
    String used = StoreFixture.sha256("referenced and old".getBytes(StandardCharsets.UTF_8));
    age(used);

    JsonObject reply = store.request(Addresses.ARTIFACT_SWEEP, new JsonObject().put("epoch", epoch));

    assertThat(reply.getLong("blobs_deleted")).isGreaterThanOrEqualTo(1);
    assertThat(Files.exists(blob(oldOrphan))).isFalse();
    assertThat(Files.exists(blob(youngOrphan))).isTrue();
    assertThat(Files.exists(blob(used))).isTrue();
    assertThat(count("SELECT count(*) FROM events WHERE type = 'orphans_collected' AND seq = $1",
        reply.getLong("event_seq"))).isEqualTo(1);
  }

  @Test
  void reusingABlobRefreshesItSoAPurgeRacingTheUploadKeepsIt() throws Exception {
    Lease a = store.lease();
    upload(a, "x.txt", "uploaded twice");
    String sha = StoreFixture.sha256("uploaded twice".getBytes(StandardCharsets.UTF_8));
    age(sha);
    store.end(a, "SUCCEEDED");
    Lease b = store.lease();
    upload(b, "y.txt", "uploaded twice"); // the blob exists: reused and touched
    store.sql("DELETE FROM artifacts WHERE job_id = $1", b.jobId()); // as if b's row were not written yet

    purge(runOf(a), epoch);

    assertThat(Files.exists(blob(sha))).as("touched by the upload within the grace").isTrue();
  }

  @Test
  void theSweepRefusesADatabaseThatIsNotTheDirectorysInstallation() throws Exception {
    store.request(Addresses.ARTIFACT_SWEEP, new JsonObject().put("epoch", epoch)); // claims the directory
    Path id = store.dir.resolve("installation-id");
    String mine = Files.readString(id);
    String orphan = orphan("would be deleted by a wrong database", Instant.now().minus(2, ChronoUnit.HOURS));
    Files.writeString(id, UUID.randomUUID() + "\n");
    try {
      ReplyException refused = store.requestFailure(Addresses.ARTIFACT_SWEEP, new JsonObject().put("epoch", epoch));
      assertThat(refused.getMessage()).contains("orphan collection refused");
      assertThat(Files.exists(blob(orphan))).isTrue();
    } finally {
      Files.writeString(id, mine);
    }
  }

  @Test
  void aSweepWithAStaleEpochIsRefused() throws Exception {
    String orphan = orphan("kept from a deposed leader", Instant.now().minus(2, ChronoUnit.HOURS));
    ReplyException refused = store.requestFailure(Addresses.ARTIFACT_SWEEP, new JsonObject().put("epoch", epoch - 1));
    assertThat(refused.getMessage()).contains("NOT_LEADER");
    assertThat(Files.exists(blob(orphan))).isTrue();
  }

  private JsonObject purge(UUID runId, long epoch) throws Exception {
    return store.request(Addresses.ARTIFACT_PURGE_RUN, purgeRequest(runId, epoch));
  }

  private static JsonObject purgeRequest(UUID runId, long epoch) {
    return new JsonObject().put("run_id", runId.toString()).put("epoch", epoch).put("retention_ms", 1_000);
  }

  private static void upload(Lease lease, String path, String content) throws Exception {
    var resp = store.send(HttpMethod.PUT, lease.artifactUri(path), Buffer.buffer(content));
    assertThat(resp.status()).as(resp.body().toString()).isEqualTo(200);
  }

  private static UUID runOf(Lease lease) throws Exception {
    return store.sql("SELECT run_id FROM jobs WHERE id = $1", lease.jobId()).iterator().next().getUUID("run_id");
  }

  private static long count(String sql, Object... params) throws Exception {
    return store.sql(sql, params).iterator().next().getLong(0);
  }

  private static Path blob(String sha) {
    return store.dir.resolve("blobs").resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha);
  }

  /** Makes the blob look last touched two hours ago, past the grace. */
  private static void age(String sha) throws Exception {
    Files.setLastModifiedTime(blob(sha), FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
  }

  /** A blob on disk no row refers to, last modified at {@code at}. */
  private static String orphan(String content, Instant at) throws Exception {
    String sha = StoreFixture.sha256(content.getBytes(StandardCharsets.UTF_8));
    Path p = blob(sha);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    Files.setLastModifiedTime(p, FileTime.from(at));
    return sha;
  }
}
