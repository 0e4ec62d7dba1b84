package dev.reach.runner.ship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.runner.exec.Workspace;
import dev.reach.runner.fakes.FakeArtifactStore;
import dev.reach.runner.retry.Backoff;
import dev.reach.runner.retry.RetryPolicy;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.spec.JobSpec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Artifact uploads: retried with backoff up to the configured tries, then recorded as missing with the reason; never a failure. */
class ArtifactUploaderTest {
  private static final RetryPolicy FOUR = new RetryPolicy(4, new Backoff(1, 10));
  private Vertx vertx;
  private FakeArtifactStore store;
  private ArtifactClient client;
  private Context context;
  private Path dir;
  private final Lease lease = new Lease("job-7", "run-1", "build", 1, 7,
      new JobSpec("build", "true", Map.of(), 60, 1, 3, List.of(), List.of("out/*")));

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    store = FakeArtifactStore.start(vertx);
    client = new ArtifactClient(vertx, store.url(), 2_000, 4);
    context = vertx.getOrCreateContext();
    dir = Files.createTempDirectory("reach-upload-");
    Files.writeString(dir.resolve("a.txt"), "alpha");
    Files.writeString(dir.resolve("b.txt"), "beta");
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close().await();
    store.close();
    vertx.close().await();
    Workspace.delete(dir);
  }

  private <T> T onContext(Supplier<Future<T>> work) throws Exception {
    CompletableFuture<T> out = new CompletableFuture<>();
    context.runOnContext(v -> work.get().onComplete(ar -> {
      if (ar.succeeded()) {
        out.complete(ar.result());
      } else {
        out.completeExceptionally(ar.cause());
      }
    }));
    return out.get(30, TimeUnit.SECONDS);
  }

  private Map<String, Path> files() {
    Map<String, Path> files = new TreeMap<>();
    files.put("out/a.txt", dir.resolve("a.txt"));
    files.put("out/b.txt", dir.resolve("b.txt"));
    return files;
  }

  @Test
  void storedArtifactsAreListedWithTheirNames() throws Exception {
    ArtifactUploader uploader = new ArtifactUploader(context, client, FOUR);

    JsonArray out = onContext(() -> uploader.uploadAll(lease, files()));

    assertThat(out).hasSize(2);
    assertThat(out.getJsonObject(0).getString("name")).isEqualTo("out/a.txt");
    assertThat(out.getJsonObject(0).getString("path")).isEqualTo("out/a.txt");
    assertThat(out.getJsonObject(0).getBoolean("missing")).isNull();
    assertThat(store.artifact("job-7", 1, "out/b.txt")).isEqualTo("beta");
  }

  @Test
  void aStoreThatStaysDownCostsExactlyTheConfiguredTriesThenTheArtifactIsMissing() throws Exception {
    store.failArtifacts(ErrorCode.ARTIFACT_STORE_UNAVAILABLE);
    ArtifactUploader uploader = new ArtifactUploader(context, client, FOUR);

    JsonObject entry = onContext(() -> uploader.upload(lease, "out/a.txt", dir.resolve("a.txt")));

    assertThat(store.artifactRequests.get()).isEqualTo(FOUR.tries());
    assertThat(entry).isEqualTo(new JsonObject().put("name", "out/a.txt").put("missing", true)
        .put("reason", "ARTIFACT_STORE_UNAVAILABLE: scripted failure"));
  }

  @Test
  void aStaleLeaseIsNotRetried() throws Exception {
    store.makeStale(7);
    ArtifactUploader uploader = new ArtifactUploader(context, client, FOUR);

    JsonArray out = onContext(() -> uploader.uploadAll(lease, files()));

    assertThat(store.artifactRequests.get()).isEqualTo(2); // one try per file
    assertThat(out).allSatisfy(o -> {
      JsonObject entry = (JsonObject) o;
      assertThat(entry.getBoolean("missing")).isTrue();
      assertThat(entry.getString("reason")).startsWith("STALE_LEASE: ");
    });
  }

  @Test
  void anUnreachableStoreIsARetryableUnavailabilityNotAnInternalError() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ArtifactClient nowhere = new ArtifactClient(vertx, "http://127.0.0.1:" + closedPort, 1_000, 2);
    try {
      java.util.List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
      ArtifactUploader uploader = new ArtifactUploader(context, nowhere, new RetryPolicy(2, new Backoff(1, 5)),
          new UploadOutcomes() {
            @Override
            public void missing(String name, dev.reach.shared.error.ReachException cause, int tries) {
              outcomes.add(name + " " + cause.code() + " after " + tries);
            }
          });

      JsonObject entry = onContext(() -> uploader.upload(lease, "out/a.txt", dir.resolve("a.txt")));

      assertThat(entry.getBoolean("missing")).isTrue();
      assertThat(entry.getString("reason")).startsWith("ARTIFACT_STORE_UNAVAILABLE: artifact store unreachable");
      assertThat(outcomes).containsExactly("out/a.txt ARTIFACT_STORE_UNAVAILABLE after 2");
    } finally {
      nowhere.close().await();
    }
  }
}
