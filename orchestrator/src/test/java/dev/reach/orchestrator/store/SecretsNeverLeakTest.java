package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.orchestrator.api.OrchestratorApi;
import dev.reach.orchestrator.api.ProtocolCounters;
import dev.reach.orchestrator.secrets.EnvironmentSecretStore;
import dev.reach.orchestrator.secrets.SecretCipher;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.ClaimResponse;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.config.EnvReader;
import dev.reach.shared.config.SecretsConfig;
import dev.reach.shared.job.EndReason;
import dev.reach.shared.metrics.ReachMetrics;
import dev.reach.shared.spec.RunSpec;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invariant 7 through the orchestrator's event-bus API, as the hub and a runner use it: a run with a
 * submitted and an environment secret is submitted, claimed, completed and cancelled; the claim
 * answer is the one message that carries the values, and every other answer for the run (submit,
 * get, list, complete, cancel) and every event payload is searched for them and holds none.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecretsNeverLeakTest {
  private static final String RUN_VALUE = "submitted-Xy7-value";
  private static final String ENV_VALUE = "stored-env-Qk2-value";
  private StoreFixture f;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    EnvReader r = new EnvReader(Map.of("REACH_SECRETS_KEY", Base64.getEncoder().encodeToString(k)));
    SecretCipher cipher = new SecretCipher(SecretsConfig.from(r));
    r.validate();
    new EnvironmentSecretStore(f.db, f.now, cipher).set("prod", "API_KEY", ENV_VALUE, "token:ops").await();
    RunStore runs = new RunStore(f.db, f.now, cipher);
    LeaseStore leases = new LeaseStore(f.db, f.now, StoreFixture.TTL_MS, LeaseEvents.NONE, cipher);
    ProtocolCounters counters = new ProtocolCounters(ReachMetrics.of(f.vertx));
    f.vertx.deployVerticle(new OrchestratorApi(runs, leases, new RunnerStore(f.db), new DeadLetterStore(f.db, runs),
        counters, JsonObject::new, dev.reach.orchestrator.admin.RunnerAdmission.open())).await();
  }

  @AfterEach
  void close() {
    f.close();
  }

  private JsonObject request(String address, JsonObject body) {
    return (JsonObject) f.vertx.eventBus().request(address, body).await().body();
  }

  @Test
  void onlyTheClaimAnswerCarriesTheValues() {
    List<String> answers = new ArrayList<>();
    RunSpec spec = RunSpec.parse(new JsonObject().put("name", "deploy").put("environment", "prod")
        .put("secrets", new JsonObject().put("DB_PASSWORD", RUN_VALUE))
        .put("jobs", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("name", "a").put("command", "echo $DB_PASSWORD $API_KEY"))
            .add(new JsonObject().put("name", "b").put("command", "sleep 60"))));
    JsonObject submitted = request(Addresses.SUBMIT_RUN, new JsonObject().put("spec", spec.submissionJson()));
    answers.add(submitted.encode());
    String runId = submitted.getString("id");

    JsonObject claim = request(Addresses.CLAIM, f.claim("runner-1", 1, 2).toJson());
    List<Lease> leases = ClaimResponse.fromJson(claim).leases();
    assertThat(leases).hasSize(2).allSatisfy(l -> assertThat(l.secrets().asMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("DB_PASSWORD", RUN_VALUE, "API_KEY", ENV_VALUE)));
    Lease a = leases.stream().filter(l -> l.jobName().equals("a")).findFirst().orElseThrow();

    answers.add(request(Addresses.COMPLETE, new CompletionReport(a.jobId(), a.token(), "runner-1", 0, EndReason.EXIT_CODE,
        new JsonObject().put("size", 10)).toJson()).encode());
    answers.add(request(Addresses.CANCEL_RUN, new JsonObject().put("id", runId)).encode());
    JsonObject run = request(Addresses.GET_RUN, new JsonObject().put("id", runId));
    answers.add(run.encode());
    answers.add(request(Addresses.LIST_RUNS, new JsonObject()).encode());
    assertThat(run.encode()).contains("echo $DB_PASSWORD $API_KEY"); // the run is really in the answer

    for (String answer : answers) {
      assertThat(answer).doesNotContain(RUN_VALUE).doesNotContain(ENV_VALUE);
    }
    String events = f.sql("SELECT string_agg(type || ' ' || payload::text, E'\\n' ORDER BY seq) FROM events").getString(0);
    assertThat(events).contains("run_submitted", "job_leased", "secret_set", "DB_PASSWORD", "API_KEY");
    assertThat(events).doesNotContain(RUN_VALUE).doesNotContain(ENV_VALUE);
  }
}
