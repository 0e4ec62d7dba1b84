package dev.reach.shared.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.metrics.VertxMetricsSetup;
import dev.reach.shared.tls.TlsOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Starts a clustered Vert.x on Hazelcast: TCP/IP join with the configured member list, multicast
 * off, bind and public host, cluster name, and fast failure detection (heartbeat 1 s, dead after
 * 5 s without one by default). Vert.x is built with metrics ({@link VertxMetricsSetup}). The event bus
 * between members uses mutual TLS when {@code REACH_TLS_*} is configured ({@link TlsOptions}); Hazelcast's
 * own member protocol has no TLS in its open-source edition and must stay on a network only members reach.
 */
public final class ClusterBootstrap {
  /** How often {@link ClusterRegistryGuard} checks the event-bus registrations. */
  static final long REGISTRY_CHECK_MS = 5_000;

  private ClusterBootstrap() {}

  /**
   * Joins as a data member (owns partitions of the cluster's maps). Throws
   * {@link dev.reach.shared.config.ConfigException} when the event-bus TLS files cannot be loaded.
   */
  public static Future<Vertx> start(ReachConfig cfg) {
    return start(cfg, MemberRole.DATA);
  }

  /** As {@link #start(ReachConfig)}, joining in {@code role} ({@link MemberRole#LITE} for runners). */
  public static Future<Vertx> start(ReachConfig cfg, MemberRole role) {
    return start(cfg, role, REGISTRY_CHECK_MS);
  }

  /** As {@link #start(ReachConfig, MemberRole)}, with the registry guard checking every {@code registryCheckMs}. */
  static Future<Vertx> start(ReachConfig cfg, MemberRole role, long registryCheckMs) {
    TlsOptions.checkEventBus(cfg.tls()); // a ConfigException naming the variable, before anything starts
    Config config = hazelcastConfig(cfg, role);
    ClusterMerges merges = new ClusterMerges();
    config.addListenerConfig(new ListenerConfig((LifecycleListener) event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        merges.merged();
      }
    }));
    HazelcastClusterManager mgr = new HazelcastClusterManager(config);
    EventBusOptions eb = TlsOptions.eventBus(new EventBusOptions()
        .setHost(cfg.clusterHost())
        .setPort(cfg.eventBusPort())
        .setClusterPublicHost(cfg.clusterPublicHost()), cfg.tls());
    VertxOptions options = new VertxOptions().setEventBusOptions(eb);
    PrometheusMeterRegistry registry = VertxMetricsSetup.registry();
    return VertxMetricsSetup.clustered(VertxMetricsSetup.builder(options, registry).withClusterManager(mgr), registry)
        .onSuccess(vertx -> {
          ClusterMerges.attach(vertx, merges);
          ClusterRegistryGuard.start(vertx, mgr, registryCheckMs);
        });
  }

  static Config hazelcastConfig(ReachConfig cfg, MemberRole role) {
    // Keep Hazelcast's own chatter in the JDK logger at WARNING unless the operator asks otherwise.
    System.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "jdk"));
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cfg.clusterName());
    config.setLiteMember(role == MemberRole.LITE);
    config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(Math.max(1, cfg.clusterHeartbeatMs() / 1000)));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(Math.max(1, cfg.clusterMaxNoHeartbeatMs() / 1000)));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    discardOnMerge(config);
    NetworkConfig net = config.getNetworkConfig();
    // the configured port exactly: a member advertises the port it binds, so a port in use fails the start
    net.setPort(cfg.clusterPort()).setPortAutoIncrement(false);
    net.setPublicAddress(cfg.clusterPublicHost() + ":" + cfg.clusterPort());
    net.getInterfaces().setEnabled(false);
    config.setProperty("hazelcast.local.localAddress", cfg.clusterHost());
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cfg.clusterMembers()).setConnectionTimeoutSeconds(2);
    return config;
  }

  /**
   * After a split heals, the side that merges into the other keeps none of its map entries: every
   * map and multimap (Vert.x's subscriber list and node map, Reach's node directory) gets
   * {@link DiscardMergePolicy}, with which Hazelcast sends no merge operations at all. What those
   * maps hold is re-published by its owners (consumers registered again by {@link ClusterMerges}, the
   * node entry put back by {@link ClusterRegistryGuard}, the directory every 5 s); the truth is in
   * Postgres. Merging them back instead (Hazelcast's default, put-if-absent) sent merge operations
   * that met the migrations a merge starts: in split-heal drills a partition stayed "migrating" on a
   * member for over a minute, and every event-bus lookup there with it.
   */
  static void discardOnMerge(Config config) {
    MergePolicyConfig discard = new MergePolicyConfig(DiscardMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE);
    config.getMapConfig("default").setMergePolicyConfig(discard);
    config.getMultiMapConfig("default").setMergePolicyConfig(discard);
    config.getMapConfigs().values().forEach(m -> m.setMergePolicyConfig(discard));
    config.getMultiMapConfigs().values().forEach(m -> m.setMergePolicyConfig(discard));
  }
}
