package dev.reach.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReachConfigTest {
  @Test
  void defaultsRunASingleLocalNode() {
    ReachConfig cfg = ReachConfig.from(Map.of(), 8080);
    assertThat(cfg.httpPort()).isEqualTo(8080);
    assertThat(cfg.clusterMembers()).containsExactly("127.0.0.1:5701");
    assertThat(cfg.leaseTtlMs()).isEqualTo(15_000);
    assertThat(cfg.db().host()).isEqualTo("127.0.0.1");
  }

  @Test
  void everyBadVariableIsNamedAtOnce() {
    assertThatThrownBy(() -> ReachConfig.from(Map.of(
            "REACH_LEASE_TTL_MS", "soon",
            "REACH_RUNNER_SLOTS", "0",
            "REACH_DB_URL", "mysql://x/y",
            "REACH_CLUSTER_MEMBERS", "a:1,b c"), 8080))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .anySatisfy(p -> assertThat(p).startsWith("REACH_LEASE_TTL_MS=soon"))
            .anySatisfy(p -> assertThat(p).startsWith("REACH_RUNNER_SLOTS=0"))
            .anySatisfy(p -> assertThat(p).startsWith("REACH_DB_URL="))
            .anySatisfy(p -> assertThat(p).startsWith("REACH_CLUSTER_MEMBERS=")));
  }

  @Test
  void passwordNeverShowsInTheUrlText() {
    DbUrl url = DbUrl.parse("postgresql://reach:s3cret@db:5433/reach");
    assertThat(url.password()).isEqualTo("s3cret");
    assertThat(url.port()).isEqualTo(5433);
    assertThat(url.toString()).doesNotContain("s3cret");
  }

  @Test
  void alertPoliciesDefaultToTheSeedAndAreConfigurable() {
    ReachConfig d = ReachConfig.from(Map.of(), 8080);
    assertThat(d.alertCriticalFailures()).isEqualTo(3);
    assertThat(d.alertCriticalCooldownMs()).isEqualTo(3_600_000);
    assertThat(d.alertWarningFailures()).isEqualTo(5);
    assertThat(d.alertWarningCooldownMs()).isEqualTo(7_200_000);
    assertThat(d.alertInfoFailures()).isEqualTo(10);
    assertThat(d.alertInfoCooldownMs()).isEqualTo(86_400_000);
    assertThat(d.alertWebhookUrl()).isNull();

    ReachConfig c = ReachConfig.from(Map.of("REACH_ALERT_CRITICAL_FAILURES", "1", "REACH_ALERT_INFO_COOLDOWN_MS", "60000",
        "REACH_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook"), 8080);
    assertThat(c.alertCriticalFailures()).isEqualTo(1);
    assertThat(c.alertInfoCooldownMs()).isEqualTo(60_000);
    assertThat(c.alertWebhookUrl()).isEqualTo("http://127.0.0.1:9/hook");
  }

  @Test
  void aBadWebhookUrlIsNamedWithoutEchoingIt() {
    assertThatThrownBy(() -> ReachConfig.from(Map.of("REACH_ALERT_WEBHOOK_URL", "ftp://hooks/s3cret-token",
            "REACH_ALERT_WARNING_FAILURES", "0"), 8080))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .anySatisfy(p -> assertThat(p).startsWith("REACH_ALERT_WEBHOOK_URL").doesNotContain("s3cret"))
            .anySatisfy(p -> assertThat(p).startsWith("REACH_ALERT_WARNING_FAILURES=0")));
  }
}
