package dev.reach.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** REACH_SECRETS_KEY: base64 of exactly 32 bytes, never echoed in an error or in toString. */
class SecretsConfigTest {
  private static SecretsConfig read(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    SecretsConfig c = SecretsConfig.from(r);
    r.validate();
    return c;
  }

  @Test
  void unsetMeansNoKey() {
    SecretsConfig c = read(Map.of());
    assertThat(c.configured()).isFalse();
    assertThat(c.keyId()).isEqualTo("k1");
  }

  @Test
  void aValidKeyIsReadAndHidden() {
    String key = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'Q');
    SecretsConfig c = read(Map.of("REACH_SECRETS_KEY", key, "REACH_SECRETS_KEY_ID", "2026-12"));
    assertThat(c.configured()).isTrue();
    assertThat(c.key().getEncoded()).hasSize(32);
    assertThat(c.keyId()).isEqualTo("2026-12");
    assertThat(c.toString()).doesNotContain(key).contains("(hidden)");
  }

  @Test
  void badKeysStopTheServiceWithoutEchoingTheValue() {
    String shortKey = Base64.getEncoder().encodeToString("only-sixteen-byt".getBytes());
    for (String bad : new String[] {"not*base64*at-all", shortKey}) {
      Throwable t = catchThrowable(() -> read(Map.of("REACH_SECRETS_KEY", bad)));
      assertThat(t).isInstanceOf(ConfigException.class);
      assertThat(t.getMessage()).contains("REACH_SECRETS_KEY").doesNotContain(bad);
    }
    Throwable t = catchThrowable(() -> read(Map.of("REACH_SECRETS_KEY_ID", "bad id!")));
    assertThat(t.getMessage()).contains("REACH_SECRETS_KEY_ID");
  }
}
