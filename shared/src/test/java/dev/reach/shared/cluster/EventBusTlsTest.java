package dev.reach.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.tls.DevCertificateAuthority;
import dev.reach.shared.tls.DevCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import dev.reach.shared.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clustered Vert.x instances (Hazelcast on loopback) with event-bus mutual TLS: two members with
 * certificates of the cluster's CA (one PEM, one PKCS#12) answer each other's requests; a member with a
 * certificate of another CA, or without TLS, joins Hazelcast (which has no TLS in its open-source
 * edition) but exchanges no event-bus message with them either way — its requests fail and the
 * consumer never sees them, and requests to it fail — while the two good members keep talking.
 */
class EventBusTlsTest {
  private static final long SEND_TIMEOUT_MS = 3_000;

  @TempDir Path dir;
  private final List<Vertx> nodes = new ArrayList<>();
  private String clusterName;
  private int seed;
  private Path clusterCa;

  @BeforeEach
  void certificates() throws IOException {
    clusterName = "tls-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    seed = freePort();
    DevCertificateAuthority ca = DevCertificates.authority();
    clusterCa = ca.write(dir.resolve("cluster"), List.of("a", "b")).caCert();
    ca.write(dir.resolve("other"), List.of("rogue"));
  }

  @AfterEach
  void close() {
    for (Vertx v : nodes) {
      v.close().await();
    }
  }

  @Test
  void membersWithTheClustersCertificatesExchangeRequestsBothWays() throws Exception {
    Vertx a = start(seed, pem("cluster", "a"));
    Vertx b = start(freePort(), pkcs12("cluster", "b"));
    awaitMembers(a, 2);
    b.eventBus().consumer("tls.echo.b", m -> m.reply("pong from b:" + m.body())).completion().await();
    a.eventBus().consumer("tls.echo.a", m -> m.reply("pong from a:" + m.body())).completion().await();

    assertThat(request(a, "tls.echo.b", "1")).isEqualTo("pong from b:1");
    assertThat(request(b, "tls.echo.a", "2")).isEqualTo("pong from a:2");
  }

  @Test
  void aMemberWithAnotherCasCertificateExchangesNoMessage() throws Exception {
    assertOutsiderIsCutOff(pem("other", "rogue"));
  }

  @Test
  void aMemberWithoutTlsExchangesNoMessage() throws Exception {
    assertOutsiderIsCutOff(Map.of());
  }

  @Test
  void filesThatCannotBeLoadedStopTheStartNamingTheVariable() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.key"), "not a key");
    Map<String, String> badKey = new HashMap<>(pem("cluster", "a"));
    badKey.put("REACH_TLS_KEY", garbage.toString());
    assertThatThrownBy(() -> start(seed, badKey)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("REACH_TLS_KEY=" + garbage + ": cannot load this member's key and certificate");

    Map<String, String> wrongPassword = new HashMap<>(pkcs12("cluster", "a"));
    wrongPassword.put("REACH_TLS_KEYSTORE_PASSWORD", "not-the-password");
    assertThatThrownBy(() -> start(seed, wrongPassword)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("REACH_TLS_KEYSTORE=" + dir.resolve("cluster/a.p12") + ": cannot load");
    assertThat(nodes).as("nothing started").isEmpty();
  }

  private void assertOutsiderIsCutOff(Map<String, String> outsiderTls) throws Exception {
    Vertx a = start(seed, pem("cluster", "a"));
    Vertx b = start(freePort(), pem("cluster", "b"));
    Vertx outsider = start(freePort(), outsiderTls);
    awaitMembers(a, 3);
    AtomicInteger bReceived = new AtomicInteger();
    AtomicInteger outsiderReceived = new AtomicInteger();
    b.eventBus().consumer("tls.members", m -> {
      bReceived.incrementAndGet();
      m.reply("ok");
    }).completion().await();
    outsider.eventBus().consumer("tls.outsider", m -> {
      outsiderReceived.incrementAndGet();
      m.reply("leaked");
    }).completion().await();
    // the registrations are in Hazelcast's map for every member to see: what fails is the event bus itself
    await().atMost(Duration.ofSeconds(10)).until(() -> registered(outsider, "tls.members") && registered(a, "tls.outsider"));

    assertThatThrownBy(() -> request(outsider, "tls.members", "from outsider"))
        .as("the outsider's request to a member").isInstanceOf(ReplyException.class);
    assertThatThrownBy(() -> request(a, "tls.outsider", "from a"))
        .as("a member's request to the outsider").isInstanceOf(ReplyException.class);
    assertThat(request(a, "tls.members", "from a")).as("members still talk").isEqualTo("ok");
    assertThat(bReceived.get()).as("messages b received: only a's").isEqualTo(1);
    assertThat(outsiderReceived.get()).as("messages the outsider received").isZero();
  }

  private static boolean registered(Vertx v, String address) {
    return !manager(v).getHazelcastInstance().getMultiMap(ClusterRegistryGuard.SUBS).get(address).isEmpty();
  }

  private static HazelcastClusterManager manager(Vertx v) {
    return (HazelcastClusterManager) ((VertxInternal) v).clusterManager();
  }

  private static String request(Vertx from, String address, String body) {
    return from.eventBus().<String>request(address, body, new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MS)).await().body();
  }

  private void awaitMembers(Vertx v, int n) {
    await().atMost(Duration.ofSeconds(30))
        .until(() -> manager(v).getNodes().size() == n);
  }

  private Map<String, String> pem(String caDir, String member) {
    Path d = dir.resolve(caDir);
    return Map.of(
        "REACH_TLS_CERT", d.resolve(member + ".crt").toString(),
        "REACH_TLS_KEY", d.resolve(member + ".key").toString(),
        "REACH_TLS_CA", d.resolve(DevCertificateAuthority.CA_CERT).toString());
  }

  private Map<String, String> pkcs12(String caDir, String member) throws Exception {
    Path d = dir.resolve(caDir);
    Path keystore = DevCertificates.pkcs12Keystore(d.resolve(member + ".crt"), d.resolve(member + ".key"), "keystore-pw",
        d.resolve(member + ".p12"));
    Path truststore = DevCertificates.pkcs12Truststore(d.resolve(DevCertificateAuthority.CA_CERT), "truststore-pw",
        d.resolve("trust.p12"));
    return Map.of(
        "REACH_TLS_KEYSTORE", keystore.toString(),
        "REACH_TLS_KEYSTORE_PASSWORD", "keystore-pw",
        "REACH_TLS_TRUSTSTORE", truststore.toString(),
        "REACH_TLS_TRUSTSTORE_PASSWORD", "truststore-pw");
  }

  private Vertx start(int port, Map<String, String> tls) {
    Map<String, String> env = new HashMap<>(tls);
    env.put("REACH_CLUSTER_NAME", clusterName);
    env.put("REACH_CLUSTER_HOST", "127.0.0.1");
    env.put("REACH_CLUSTER_PORT", Integer.toString(port));
    env.put("REACH_CLUSTER_MEMBERS", "127.0.0.1:" + seed);
    // the registry guard out of the way (an hour): it plays no part here
    Vertx v;
    try {
      v = ClusterBootstrap.start(ReachConfig.from(env, 0), MemberRole.DATA, 3_600_000).await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the member did not start within 60 s", e);
    }
    nodes.add(v);
    return v;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
