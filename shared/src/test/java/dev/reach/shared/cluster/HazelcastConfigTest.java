package dev.reach.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import dev.reach.shared.config.ReachConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Hazelcast configuration every Reach member starts with. */
class HazelcastConfigTest {
  private static final ReachConfig CFG = ReachConfig.from(Map.of("REACH_CLUSTER_NAME", "config-test"), 0);

  @Test
  void everyMapAndMultimapDiscardsTheMergingSidesEntries() {
    Config config = ClusterBootstrap.hazelcastConfig(CFG, MemberRole.DATA);
    String discard = DiscardMergePolicy.class.getName();
    // Vert.x's own structures (configured by name in its default-cluster.xml) and anything else (the defaults)
    assertThat(config.getMultiMapConfig("__vertx.subs").getMergePolicyConfig().getPolicy()).isEqualTo(discard);
    assertThat(config.getMapConfig("__vertx.nodeInfo").getMergePolicyConfig().getPolicy()).isEqualTo(discard);
    assertThat(config.getMapConfig("__vertx.haInfo").getMergePolicyConfig().getPolicy()).isEqualTo(discard);
    assertThat(config.findMapConfig("reach.nodes").getMergePolicyConfig().getPolicy()).isEqualTo(discard);
    assertThat(config.findMultiMapConfig("any.other").getMergePolicyConfig().getPolicy()).isEqualTo(discard);
    assertThat(config.getMapConfigs().values()).allSatisfy(m -> assertThat(m.getMergePolicyConfig().getPolicy()).isEqualTo(discard));
    assertThat(config.getMultiMapConfigs().values())
        .allSatisfy(m -> assertThat(m.getMergePolicyConfig().getPolicy()).isEqualTo(discard));
  }

  @Test
  void theRoleDecidesWhetherTheMemberHoldsData() {
    assertThat(ClusterBootstrap.hazelcastConfig(CFG, MemberRole.DATA).isLiteMember()).isFalse();
    assertThat(ClusterBootstrap.hazelcastConfig(CFG, MemberRole.LITE).isLiteMember()).isTrue();
  }
}
