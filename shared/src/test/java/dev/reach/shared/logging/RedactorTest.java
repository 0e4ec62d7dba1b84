package dev.reach.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.reach.shared.config.ConfigException;
import dev.reach.shared.config.DbUrl;
import dev.reach.shared.config.ReachConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @AfterEach
  void forget() {
    Redactor.clearRegistered();
  }

  @Test
  void credentialsInUrlsOfAnySchemeAreMasked() {
    assertThat(Redactor.redact("connecting to postgresql://reach:hunter22@db.internal:5432/reach failed"))
        .isEqualTo("connecting to postgresql://reach:***@db.internal:5432/reach failed");
    assertThat(Redactor.redact("postgres://u:p%40ss@h/db https://bot:tok-123@git.example.com/x.git"))
        .isEqualTo("postgres://u:***@h/db https://bot:***@git.example.com/x.git");
    assertThat(Redactor.redact("http://127.0.0.1:8080/api/v1/runs and user@example.com"))
        .as("no userinfo, nothing to mask").isEqualTo("http://127.0.0.1:8080/api/v1/runs and user@example.com");
  }

  @Test
  void bearerTokensAndKeyValuePairsAreMasked() {
    assertThat(Redactor.redact("Authorization: Bearer eyJhbGciOi.J9.abc-_~+/=")).isEqualTo("Authorization: Bearer ***");
    assertThat(Redactor.redact("header authorization: basic dXNlcjpwYXNz")).isEqualTo("header authorization: basic ***");
    assertThat(Redactor.redact("jdbc:postgresql://h/db?user=reach&password=hunter22&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=reach&password=***&ssl=true");
    assertThat(Redactor.redact("token=abc123, REACH_ADMIN_TOKEN=xyz789 secret: s3 api_key=k1"))
        .isEqualTo("token=***, REACH_ADMIN_TOKEN=*** secret: *** api_key=***");
    assertThat(Redactor.redact("{\"password\":\"hunter22\",\"user\":\"reach\"}"))
        .isEqualTo("{\"password\":\"***\",\"user\":\"reach\"}");
    assertThat(Redactor.redact("lease token 17 of job 4 is stale")).as("a lease token is no credential")
        .isEqualTo("lease token 17 of job 4 is stale");
  }

  @Test
  void registeredSecretsAreMaskedWherever() {
    Redactor.register("abc"); // too short: would garble every line
    Redactor.register("correct-horse");
    Redactor.register("p@ss word");
    assertThat(Redactor.redact("abc says correct-horse; encoded p%40ss+word or plain p@ss word"))
        .isEqualTo("abc says ***; encoded *** or plain ***");
  }

  @Test
  void theEnvironmentsSecretsAreRegistered() {
    Redactor.registerEnvironment(Map.of(
        "REACH_DB_URL", "postgresql://reach:db-secret-1@db:5432/reach",
        "REACH_ADMIN_TOKEN", "admin-token-2",
        "REACH_HTTP_PORT", "8080"));
    assertThat(Redactor.redact("db-secret-1 admin-token-2 8080")).isEqualTo("*** *** 8080");
  }

  @Test
  void aPasswordEqualToTheUserNameIsNotRegistered() {
    Redactor.registerEnvironment(Map.of("REACH_DB_URL", "postgresql://postgres:postgres@127.0.0.1:5432/reach"));
    assertThat(Redactor.redact("embedded postgres started")).isEqualTo("embedded postgres started");
  }

  @Test
  void registrationIsThreadSafe() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        tasks.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            Redactor.register("secret-" + thread + "-" + i);
            Redactor.redact("secret-" + thread + "-" + i);
          }
        }));
      }
      for (Future<?> f : tasks) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (int t = 0; t < 4; t++) {
      for (int i = 0; i < 200; i++) {
        assertThat(Redactor.redact("x secret-" + t + "-" + i + " y")).isEqualTo("x *** y");
      }
    }
  }

  @Test
  void theFormatterMasksTheMessageItsParametersAndTheException() {
    Redactor.register("split-secret-9");
    LogRecord r = new LogRecord(Level.WARNING, "connect postgresql://reach:{0}@db/reach with {1}");
    r.setParameters(new Object[] {"pw-in-parameter", "split-secret-9"});
    r.setThrown(new IllegalStateException("password=from-exception", new RuntimeException("cause with split-secret-9")));
    String out = new RedactingFormatter(new SimpleFormatter()).format(r);
    assertThat(out).contains("postgresql://reach:***@db/reach", "password=***", "cause with ***")
        .doesNotContain("pw-in-parameter", "from-exception", "split-secret-9");
  }

  @Test
  void messagesReachBuildsDoNotShowThePassword() {
    assertThat(DbUrl.parse("postgresql://reach:hunter22@db:5432/reach").toString()).doesNotContain("hunter22");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ReachConfig.from(Map.of(
        "REACH_DB_URL", "postgresql://reach:hunter22@db:5432/",
        "REACH_ARTIFACT_URL", "ftp://bot:tok-77@store/"), 0));
    assertThat(e.getMessage()).contains("REACH_DB_URL", "database name is missing", "REACH_ARTIFACT_URL")
        .doesNotContain("hunter22", "tok-77");
    assertThat(e.problems()).noneMatch(p -> p.contains("hunter22"));
  }
}
