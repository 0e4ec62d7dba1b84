package dev.reach.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import dev.reach.shared.config.ReachConfig;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A data member and a lite member (how a runner joins) on loopback: the lite member owns no
 * partition, its event-bus consumers are reachable from the data member and it reaches theirs, and
 * when it goes away no partition had to move.
 */
class LiteMemberTest {
  private Vertx data;
  private Vertx lite;

  @AfterEach
  void close() {
    for (Vertx v : new Vertx[] {lite, data}) {
      if (v != null) {
        v.close().await();
      }
    }
  }

  @Test
  void aLiteMemberOwnsNoPartitionYetServesAndUsesTheEventBus() throws Exception {
    String name = "lite-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    int seed = freePort();
    data = start(name, seed, seed, MemberRole.DATA);
    lite = start(name, freePort(), seed, MemberRole.LITE);
    HazelcastInstance dataHz = manager(data).getHazelcastInstance();
    HazelcastInstance liteHz = manager(lite).getHazelcastInstance();
    await().atMost(Duration.ofSeconds(30)).until(() -> dataHz.getCluster().getMembers().size() == 2);

    Member liteMember = liteHz.getCluster().getLocalMember();
    assertThat(liteMember.isLiteMember()).isTrue();
    assertThat(dataHz.getCluster().getLocalMember().isLiteMember()).isFalse();

    lite.eventBus().consumer("lite.echo", m -> m.reply("from-lite")).completion().await();
    data.eventBus().consumer("data.echo", m -> m.reply("from-data")).completion().await();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(data.eventBus().<String>request("lite.echo", "x").await().body()).isEqualTo("from-lite");
      assertThat(lite.eventBus().<String>request("data.echo", "x").await().body()).isEqualTo("from-data");
    });

    UUID liteUuid = liteMember.getUuid();
    for (Partition p : dataHz.getPartitionService().getPartitions()) {
      assertThat(p.getOwner()).as("owner of partition %d", p.getPartitionId()).isNotNull();
      assertThat(p.getOwner().getUuid()).as("owner of partition %d", p.getPartitionId()).isNotEqualTo(liteUuid);
    }

    lite.close().await();
    lite = null;
    await().atMost(Duration.ofSeconds(30)).until(() -> dataHz.getCluster().getMembers().size() == 1);
    assertThat(dataHz.getPartitionService().isClusterSafe()).isTrue();
    assertThat(data.eventBus().<String>request("data.echo", "x").await().body()).isEqualTo("from-data");
  }

  private static Vertx start(String name, int port, int seed, MemberRole role) {
    ReachConfig cfg = ReachConfig.from(Map.of(
        "REACH_CLUSTER_NAME", name,
        "REACH_CLUSTER_HOST", "127.0.0.1",
        "REACH_CLUSTER_PORT", Integer.toString(port),
        "REACH_CLUSTER_MEMBERS", "127.0.0.1:" + seed), 0);
    return ClusterBootstrap.start(cfg, role, 3_600_000).await();
  }

  private static HazelcastClusterManager manager(Vertx v) {
    return (HazelcastClusterManager) ((VertxInternal) v).clusterManager();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
