package dev.reach.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.multimap.MultiMap;
import dev.reach.shared.config.ReachConfig;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real clustered Vert.x instances (Hazelcast on loopback): a registration left behind by a node that
 * is gone — as Vert.x leaves one when its clean-up after a member left fails — makes requests to that
 * address time out half the time; the guard removes it at the second check (never at the first), after
 * which every request is answered; and a node whose own entry vanished from the node map gets it back.
 */
class ClusterRegistryGuardTest {
  private final List<Vertx> nodes = new ArrayList<>();

  @BeforeEach
  void cluster() throws Exception {
    String name = "guard-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    int seed = freePort();
    nodes.add(start(name, seed, seed));
    nodes.add(start(name, freePort(), seed));
    await().atMost(Duration.ofSeconds(30)).until(() -> manager(nodes.get(0)).getNodes().size() == 2);
  }

  @AfterEach
  void close() {
    for (Vertx v : nodes) {
      v.close().await();
    }
  }

  private static Vertx start(String name, int port, int seed) {
    ReachConfig cfg = ReachConfig.from(Map.of(
        "REACH_CLUSTER_NAME", name,
        "REACH_CLUSTER_HOST", "127.0.0.1",
        "REACH_CLUSTER_PORT", Integer.toString(port),
        "REACH_CLUSTER_MEMBERS", "127.0.0.1:" + seed), 0);
    // the background guard out of the way (an hour): the test runs the checks itself, in order
    return ClusterBootstrap.start(cfg, MemberRole.DATA, 3_600_000).await();
  }

  private static HazelcastClusterManager manager(Vertx v) {
    return (HazelcastClusterManager) ((VertxInternal) v).clusterManager();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aDeadNodesRegistrationIsRemovedAtTheSecondCheckAndRequestsAreAnsweredAgain() {
    Vertx a = nodes.get(0);
    Vertx b = nodes.get(1);
    b.eventBus().consumer("guard.echo", m -> m.reply("pong")).completion().await();
    MultiMap<String, HazelcastRegistrationInfo> subs = manager(a).getHazelcastInstance().getMultiMap(ClusterRegistryGuard.SUBS);
    subs.put("guard.echo", new HazelcastRegistrationInfo(new RegistrationInfo("ghost-node", 1, false)));
    await().atMost(Duration.ofSeconds(10)).until(() -> subs.get("guard.echo").size() == 2);

    int failed = 0;
    for (int i = 0; i < 6; i++) {
      try {
        a.eventBus().request("guard.echo", "ping", new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(1_000)).await();
      } catch (ReplyException e) {
        failed++;
      }
    }
    assertThat(failed).as("requests round-robined to the dead node's registration").isPositive();

    ClusterRegistryGuard guard = new ClusterRegistryGuard(manager(a));
    assertThat(guard.check()).as("first sighting: maybe a node that joined a moment ago").isZero();
    assertThat(subs.get("guard.echo")).hasSize(2);
    assertThat(guard.check()).as("still no such member at the second check").isEqualTo(1);
    assertThat(subs.get("guard.echo")).hasSize(1);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (int i = 0; i < 6; i++) {
        assertThat(a.eventBus().<String>request("guard.echo", "ping", new io.vertx.core.eventbus.DeliveryOptions()
            .setSendTimeout(2_000)).await().body()).isEqualTo("pong");
      }
    });
  }

  @Test
  void aLiveNodesRegistrationsStayAndAMissingOwnEntryIsPutBack() {
    Vertx b = nodes.get(1);
    b.eventBus().consumer("guard.live", m -> m.reply("ok")).completion().await();
    HazelcastClusterManager mb = manager(b);
    ClusterRegistryGuard guard = new ClusterRegistryGuard(mb);
    assertThat(guard.check()).isZero();
    assertThat(guard.check()).isZero();
    assertThat(mb.getHazelcastInstance().getMultiMap(ClusterRegistryGuard.SUBS).get("guard.live")).hasSize(1);

    mb.getHazelcastInstance().getMap("__vertx.nodeInfo").remove(mb.getNodeId());
    assertThat(mb.getHazelcastInstance().getMap("__vertx.nodeInfo").get(mb.getNodeId())).isNull();
    guard.check();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> mb.getHazelcastInstance().getMap("__vertx.nodeInfo").get(mb.getNodeId()) != null);
    assertThat(nodes.get(0).eventBus().<String>request("guard.live", "x").await().body()).isEqualTo("ok");
  }

  @Test
  void aMergePutsTheOwnEntryBackAtOnceWithoutWaitingForACheck() {
    Vertx b = nodes.get(1);
    HazelcastClusterManager mb = manager(b);
    mb.getHazelcastInstance().getMap(ClusterRegistryGuard.NODE_INFO).remove(mb.getNodeId());
    assertThat(mb.getHazelcastInstance().getMap(ClusterRegistryGuard.NODE_INFO).get(mb.getNodeId())).isNull();

    // the periodic check runs once an hour here: only the merge hook can put it back within the wait
    ClusterMerges.of(b).merged();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> mb.getHazelcastInstance().getMap(ClusterRegistryGuard.NODE_INFO).get(mb.getNodeId()) != null);
  }
}
