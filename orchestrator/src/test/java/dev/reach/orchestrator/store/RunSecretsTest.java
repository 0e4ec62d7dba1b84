package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.orchestrator.secrets.EnvironmentSecretStore;
import dev.reach.orchestrator.secrets.SecretCipher;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.config.EnvReader;
import dev.reach.shared.config.SecretsConfig;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.spec.RunSpec;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Run and environment secrets in Postgres: stored only sealed, events and specs hold names only,
 * a lease carries the run's environment's secrets with the run's own over them — never another
 * environment's — and a value that does not decrypt is named unavailable, not delivered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunSecretsTest {
  private static final String RUN_VALUE = "run-value-Zq81x";
  private static final String SHARED_RUN_VALUE = "submitted-wins-77";
  private static final String ENV_A_VALUE = "env-a-value-Kp3";
  private static final String ENV_A_SHARED = "env-a-shared-loses";
  private static final String ENV_B_VALUE = "env-b-value-Wm5";
  private static final List<String> ALL = List.of(RUN_VALUE, SHARED_RUN_VALUE, ENV_A_VALUE, ENV_A_SHARED, ENV_B_VALUE);
  private StoreFixture f;
  private SecretCipher cipher;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    cipher = cipher(randomKey(), "k1");
  }

  @AfterEach
  void close() {
    f.close();
  }

  private static String randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  private static SecretCipher cipher(String key, String keyId) {
    EnvReader r = new EnvReader(Map.of("REACH_SECRETS_KEY", key, "REACH_SECRETS_KEY_ID", keyId));
    SecretsConfig c = SecretsConfig.from(r);
    r.validate();
    return new SecretCipher(c);
  }

  private static RunSpec spec(String environment, String secretsJson) {
    return RunSpec.parse(new JsonObject("{\"name\":\"r\",\"environment\":\"" + environment + "\",\"secrets\":" + secretsJson
        + ",\"jobs\":[{\"name\":\"a\",\"command\":\"true\"}]}"));
  }

  private Lease claimOne() {
    List<Lease> leases = new LeaseStore(f.db, f.now, StoreFixture.TTL_MS, LeaseEvents.NONE, cipher)
        .claim(f.claim("runner-" + UUID.randomUUID(), 1, 1)).await();
    assertThat(leases).hasSize(1);
    return leases.get(0);
  }

  private String everything() {
    return f.sql("SELECT concat_ws(' ', (SELECT string_agg(payload::text, ' ') FROM events),"
        + " (SELECT string_agg(spec::text, ' ') FROM jobs),"
        + " (SELECT string_agg(encode(ciphertext, 'escape'), ' ') FROM run_secrets),"
        + " (SELECT string_agg(encode(ciphertext, 'escape'), ' ') FROM environment_secrets))").getString(0);
  }

  @Test
  void withoutAKeyASubmissionCarryingSecretsIsRefusedAndNothingIsStored() {
    RunStore noKey = new RunStore(f.db, f.now);
    long eventsBefore = f.count("SELECT count(*) FROM events");
    Throwable t = catchThrowable(() -> noKey.submit(spec("default", "{\"S\":\"" + RUN_VALUE + "\"}"), null).await());
    assertThat(t).isInstanceOf(ReachException.class);
    assertThat(((ReachException) t).code()).isEqualTo(ErrorCode.SECRETS_NOT_CONFIGURED);
    assertThat(t.getMessage()).contains("REACH_SECRETS_KEY").doesNotContain(RUN_VALUE);
    assertThat(f.count("SELECT count(*) FROM runs")).isZero();
    assertThat(f.count("SELECT count(*) FROM events")).isEqualTo(eventsBefore);
    assertThat(f.count("SELECT count(*) FROM run_secrets")).isZero();
    // without secrets the same store still takes runs
    assertThat(noKey.submit(spec("default", "{}"), null).await().created()).isTrue();
  }

  @Test
  void aRunGetsItsEnvironmentsSecretsWithItsOwnOverThemAndNeverAnotherEnvironments() {
    EnvironmentSecretStore envs = new EnvironmentSecretStore(f.db, f.now, cipher);
    envs.set("env-a", "A_ONLY", ENV_A_VALUE, "admin").await();
    envs.set("env-a", "SHARED", ENV_A_SHARED, "admin").await();
    envs.set("env-b", "B_ONLY", ENV_B_VALUE, "admin").await();
    RunStore runs = new RunStore(f.db, f.now, cipher);
    UUID run = runs.submit(spec("env-a", "{\"S\":\"" + RUN_VALUE + "\",\"SHARED\":\"" + SHARED_RUN_VALUE + "\"}"), null)
        .await().id();

    Lease lease = claimOne();
    assertThat(lease.runId()).isEqualTo(run.toString());
    assertThat(lease.secrets().asMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "S", RUN_VALUE, "SHARED", SHARED_RUN_VALUE, "A_ONLY", ENV_A_VALUE));
    assertThat(lease.secretsUnavailable()).isEmpty();
    assertThat(lease.toString()).doesNotContain(RUN_VALUE);

    // a run in env-b gets env-b's only
    runs.submit(spec("env-b", "{}"), null).await();
    assertThat(claimOne().secrets().asMap()).containsExactlyEntriesOf(Map.of("B_ONLY", ENV_B_VALUE));

    // names, never values: the event and the stored specs; the values are only ciphertext
    JsonObject submitted = new JsonObject(f.sql(
        "SELECT payload::text FROM events WHERE type = 'run_submitted' AND run_id = $1", run).getString(0));
    assertThat(submitted.getString("environment")).isEqualTo("env-a");
    assertThat(submitted.getJsonArray("secret_names").getList()).containsExactly("S", "SHARED");
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'secret_set'")).isEqualTo(3);
    String all = everything();
    assertThat(all).contains("A_ONLY", "B_ONLY");
    ALL.forEach(v -> assertThat(all).doesNotContain(v));
    assertThat(envs.list("env-a").await().encode()).contains("A_ONLY", "SHARED").doesNotContain(ENV_A_VALUE, ENV_A_SHARED);
  }

  /** A run in {@code environment} with {@code secretsJson} whose one job is lost once and so quarantined; its job id. */
  private UUID deadLetter(RunStore runs, String environment, String secretsJson) {
    runs.submit(RunSpec.parse(new JsonObject("{\"name\":\"r\",\"environment\":\"" + environment + "\",\"secrets\":"
        + secretsJson + ",\"jobs\":[{\"name\":\"a\",\"command\":\"true\",\"max_lost_attempts\":1}]}")), null).await();
    UUID job = UUID.fromString(claimOne().jobId());
    f.now.advance(java.time.Duration.ofMillis(StoreFixture.TTL_MS + 1));
    f.leases.reapExpired(100, f.epoch).await();
    assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", job).getString(0)).isEqualTo("QUARANTINED");
    return job;
  }

  @Test
  void aRequeuedDeadLetterRunsInItsRunsEnvironmentWithItsRunsOwnSecrets() {
    EnvironmentSecretStore envs = new EnvironmentSecretStore(f.db, f.now, cipher);
    envs.set("env-a", "A_ONLY", ENV_A_VALUE, "admin").await();
    envs.set("default", "DEFAULT_ONLY", ENV_B_VALUE, "admin").await();
    RunStore runs = new RunStore(f.db, f.now, cipher);
    UUID job = deadLetter(runs, "env-a", "{\"S\":\"" + RUN_VALUE + "\"}");

    DeadLetterStore.Requeued requeued = new DeadLetterStore(f.db, runs).requeue(job).await();
    assertThat(f.sql("SELECT environment FROM run_environments WHERE run_id = $1", requeued.runId()).getString(0))
        .isEqualTo("env-a");
    // sealed again, to the new run: the claim opens it under the new run's id
    Lease lease = claimOne();
    assertThat(lease.runId()).isEqualTo(requeued.runId().toString());
    assertThat(lease.secrets().asMap()).containsExactlyInAnyOrderEntriesOf(Map.of("S", RUN_VALUE, "A_ONLY", ENV_A_VALUE));
    assertThat(lease.secretsUnavailable()).isEmpty();
    assertThat(f.count("SELECT count(*) FROM run_secrets WHERE run_id = $1", requeued.runId())).isEqualTo(1);
    String all = everything();
    ALL.forEach(v -> assertThat(all).doesNotContain(v));
  }

  @Test
  void aRequeueWhoseSecretsNoLongerOpenIsRefusedNamingTheSecretAndTheDeadLetterStays() {
    UUID job = deadLetter(new RunStore(f.db, f.now, cipher), "default", "{\"S\":\"" + RUN_VALUE + "\"}");
    long runsBefore = f.count("SELECT count(*) FROM runs");
    RunStore otherKey = new RunStore(f.db, f.now, cipher(randomKey(), "k2"));

    Throwable t = catchThrowable(() -> new DeadLetterStore(f.db, otherKey).requeue(job).await());
    assertThat(t).isInstanceOfSatisfying(ReachException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.SECRETS_NOT_CONFIGURED);
      assertThat(e.field()).isEqualTo("secrets");
    });
    assertThat(t.getMessage()).contains("'S'", "k1", "k2").doesNotContain(RUN_VALUE);
    assertThat(f.count("SELECT count(*) FROM runs")).isEqualTo(runsBefore);
    assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", job).getString(0)).isEqualTo("QUARANTINED");
  }

  @Test
  void aRequeueOfARunWhoseSecretsRetentionPurgedIsRefusedAndOneWithoutSecretsIsNot() {
    RunStore runs = new RunStore(f.db, f.now, cipher);
    UUID job = deadLetter(runs, "default", "{\"S\":\"" + RUN_VALUE + "\"}");
    UUID run = UUID.fromString(f.sql("SELECT run_id::text FROM jobs WHERE id = $1", job).getString(0));
    // what the artifact store's purge_run does to it (RetentionTest checks that it does)
    purged(run, f.count("SELECT count(*) FROM run_secrets WHERE run_id = $1", run));
    long runsBefore = f.count("SELECT count(*) FROM runs");

    Throwable t = catchThrowable(() -> new DeadLetterStore(f.db, runs).requeue(job).await());
    assertThat(t).isInstanceOfSatisfying(ReachException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.SECRETS_NOT_CONFIGURED);
      assertThat(e.field()).isEqualTo("secrets");
    });
    assertThat(t.getMessage()).contains("purged", "(1)", "REACH_RETENTION_MS");
    assertThat(f.count("SELECT count(*) FROM runs")).isEqualTo(runsBefore);
    assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", job).getString(0)).isEqualTo("QUARANTINED");

    // a purged run that had no secrets of its own is requeued as before
    UUID plain = deadLetter(runs, "default", "{}");
    purged(UUID.fromString(f.sql("SELECT run_id::text FROM jobs WHERE id = $1", plain).getString(0)), 0);
    assertThat(new DeadLetterStore(f.db, runs).requeue(plain).await().runId()).isNotNull();
  }

  /** The effect of retention's purge on {@code run}'s secrets: deleted, and counted in its run_purged event. */
  private void purged(UUID run, long secrets) {
    f.sql("DELETE FROM run_secrets WHERE run_id = $1", run);
    f.sql("UPDATE runs SET purged_at = now() WHERE id = $1", run);
    f.sql("INSERT INTO events (type, run_id, payload) VALUES ('run_purged', $1, jsonb_build_object('secrets', $2::int))",
        run, (int) secrets);
  }

  @Test
  void aCiphertextMovedToAnotherRunDoesNotDecrypt() {
    RunStore runs = new RunStore(f.db, f.now, cipher);
    UUID first = runs.submit(spec("default", "{\"S\":\"" + RUN_VALUE + "\"}"), null).await().id();
    claimOne();
    UUID second = runs.submit(spec("default", "{}"), null).await().id();
    f.sql("INSERT INTO run_secrets (run_id, name, key_id, nonce, ciphertext)"
        + " SELECT $2, name, key_id, nonce, ciphertext FROM run_secrets WHERE run_id = $1", first, second);

    Lease lease = claimOne();
    assertThat(lease.runId()).isEqualTo(second.toString());
    assertThat(lease.secrets().isEmpty()).isTrue();
    assertThat(lease.secretsUnavailable()).containsExactly("S");
  }

  @Test
  void aValueSealedWithAnotherKeyIsUnavailableByName() {
    new RunStore(f.db, f.now, cipher).submit(spec("default", "{\"S\":\"" + RUN_VALUE + "\"}"), null).await();
    cipher = cipher(randomKey(), "k1"); // same id, another key
    Lease lease = claimOne();
    assertThat(lease.secrets().isEmpty()).isTrue();
    assertThat(lease.secretsUnavailable()).containsExactly("S");
    assertThat(lease.toJson().encode()).doesNotContain(RUN_VALUE);
  }

  @Test
  void invalidSecretsAreRefusedNamingTheFieldNeverTheValue() {
    for (String bad : List.of("{\"1BAD\":\"v-secret-1\"}", "{\"REACH_X\":\"v-secret-1\"}", "{\"S\":\"\"}", "{\"S\":5}", "[]")) {
      Throwable t = catchThrowable(() -> spec("default", bad));
      assertThat(t).as(bad).isInstanceOf(ReachException.class);
      assertThat(((ReachException) t).code()).isEqualTo(ErrorCode.INVALID_SPEC);
      assertThat(t.getMessage()).contains("secrets").doesNotContain("v-secret-1");
    }
    Throwable t = catchThrowable(() -> spec("not a name", "{}"));
    assertThat(((ReachException) t).field()).isEqualTo("environment");
  }

  @Test
  void theFingerprintCoversNamesAndTheEnvironmentNotValues() {
    assertThat(spec("default", "{\"S\":\"one\"}").fingerprint()).isEqualTo(spec("default", "{\"S\":\"two\"}").fingerprint());
    assertThat(spec("default", "{\"S\":\"one\"}").fingerprint()).isNotEqualTo(spec("other", "{\"S\":\"one\"}").fingerprint());
    assertThat(spec("default", "{}").toJson().encode()).doesNotContain("environment").doesNotContain("secret");
  }
}
