package dev.reach.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REACH_TLS_* and REACH_HTTP_TLS_*: off by default, complete configurations on, and every half one named. */
class TlsSettingsTest {
  @TempDir Path dir;
  private String cert;
  private String key;
  private String ca;

  @BeforeEach
  void files() throws IOException {
    cert = Files.writeString(dir.resolve("a.crt"), "cert").toString();
    key = Files.writeString(dir.resolve("a.key"), "key").toString();
    ca = Files.writeString(dir.resolve("ca.crt"), "ca").toString();
  }

  private static TlsSettings read(Map<String, String> env) {
    return ReachConfig.from(env, 0).tls();
  }

  private static String problems(Map<String, String> env) {
    try {
      ReachConfig.from(env, 0);
    } catch (ConfigException e) {
      return String.join("\n", e.problems());
    }
    throw new AssertionError("accepted: " + env);
  }

  @Test
  void offUnlessConfigured() {
    TlsSettings tls = read(Map.of());
    assertThat(tls.eventBusTls()).isFalse();
    assertThat(tls.httpTls()).isFalse();
    assertThat(tls).isEqualTo(TlsSettings.OFF);
  }

  @Test
  void completePemConfigurationsTurnTlsOn() {
    TlsSettings tls = read(Map.of("REACH_TLS_CERT", cert, "REACH_TLS_KEY", key, "REACH_TLS_CA", ca,
        "REACH_HTTP_TLS_CERT", cert, "REACH_HTTP_TLS_KEY", key));
    assertThat(tls.eventBusTls()).isTrue();
    assertThat(tls.httpTls()).isTrue();
    assertThat(tls.caFile()).isEqualTo(Path.of(ca));
  }

  @Test
  void pkcs12StoresTurnTlsOnAndThePasswordsStayOutOfTheText() {
    TlsSettings tls = read(Map.of("REACH_TLS_KEYSTORE", key, "REACH_TLS_KEYSTORE_PASSWORD", "ks-secret-1",
        "REACH_TLS_TRUSTSTORE", ca, "REACH_TLS_TRUSTSTORE_PASSWORD", "ts-secret-2"));
    assertThat(tls.eventBusTls()).isTrue();
    assertThat(tls.toString()).doesNotContain("ks-secret-1").doesNotContain("ts-secret-2");
  }

  @Test
  void eachHalfConfigurationNamesTheMissingVariable() {
    assertThat(problems(Map.of("REACH_TLS_CERT", cert, "REACH_TLS_CA", ca))).contains("REACH_TLS_KEY must be set when REACH_TLS_CERT is");
    assertThat(problems(Map.of("REACH_TLS_KEY", key, "REACH_TLS_CA", ca))).contains("REACH_TLS_CERT must be set when REACH_TLS_KEY is");
    assertThat(problems(Map.of("REACH_TLS_CERT", cert, "REACH_TLS_KEY", key)))
        .contains("REACH_TLS_CA (or REACH_TLS_TRUSTSTORE) must be set when REACH_TLS_CERT is");
    assertThat(problems(Map.of("REACH_TLS_CA", ca)))
        .contains("REACH_TLS_CERT and REACH_TLS_KEY (or REACH_TLS_KEYSTORE) must be set when REACH_TLS_CA is");
    assertThat(problems(Map.of("REACH_TLS_KEYSTORE_PASSWORD", "x", "REACH_TLS_CERT", cert, "REACH_TLS_KEY", key, "REACH_TLS_CA", ca)))
        .contains("REACH_TLS_KEYSTORE_PASSWORD is set but REACH_TLS_KEYSTORE is not");
    assertThat(problems(Map.of("REACH_TLS_KEYSTORE", key, "REACH_TLS_CERT", cert, "REACH_TLS_KEY", key, "REACH_TLS_CA", ca)))
        .contains("REACH_TLS_KEYSTORE and REACH_TLS_CERT are both set");
    assertThat(problems(Map.of("REACH_HTTP_TLS_CERT", cert))).contains("REACH_HTTP_TLS_KEY must be set when REACH_HTTP_TLS_CERT is");
    assertThat(problems(Map.of("REACH_HTTP_TLS_KEY", key))).contains("REACH_HTTP_TLS_CERT must be set when REACH_HTTP_TLS_KEY is");
  }

  @Test
  void aMissingOrUnreadableFileIsNamedWithItsVariable() throws IOException {
    Map<String, String> env = new HashMap<>(Map.of("REACH_TLS_CERT", cert, "REACH_TLS_KEY", dir.resolve("nope.key").toString(),
        "REACH_TLS_CA", dir.toString()));
    String p = problems(env);
    assertThat(p).contains("REACH_TLS_KEY=" + dir.resolve("nope.key") + ": no such file");
    assertThat(p).contains("REACH_TLS_CA=" + dir + ": not a regular file");

    Path locked = Files.writeString(dir.resolve("locked.key"), "key");
    assertThat(locked.toFile().setReadable(false, false)).isTrue();
    if (!Files.isReadable(locked)) { // root reads everything: then there is nothing to refuse
      assertThat(problems(Map.of("REACH_HTTP_TLS_CERT", cert, "REACH_HTTP_TLS_KEY", locked.toString())))
          .contains("REACH_HTTP_TLS_KEY=" + locked + ": not readable by this process");
    }
  }
}
