package dev.reach.shared.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Every {@code REACH_*} setting, read and validated once at start. A bad value stops the service
 * with a message naming the variable. Defaults run a single node on localhost.
 */
public record ReachConfig(
    DbUrl db,
    int dbPoolSize,
    long dbConnectTimeoutMs,
    long dbStatementTimeoutMs,
    String clusterName,
    String clusterHost,
    String clusterPublicHost,
    int clusterPort,
    List<String> clusterMembers,
    int eventBusPort,
    long clusterHeartbeatMs,
    long clusterMaxNoHeartbeatMs,
    String httpHost,
    int httpPort,
    long requestTimeoutMs,
    long maxBodyBytes,
    long leaseTtlMs,
    long leaseKillMarginMs,
    long reaperIntervalMs,
    int runnerSlots,
    List<String> runnerLabels,
    String runnerId,
    long runnerPollMs,
    Path stateDir,
    Path artifactDir,
    String artifactUrl,
    long logMaxBytes,
    long artifactMaxBytes,
    boolean testMode,
    int dbBreakerFailures,
    long dbBreakerResetMs,
    long outageRideThroughMs,
    long drainTimeoutMs,
    double massExpiryShare,
    int massExpiryMinLeases,
    long clockJumpMs,
    long runnerMinFreeDiskBytes,
    int artifactRetryTries,
    long artifactRetryMaxDelayMs,
    long retentionMs,
    long retentionIntervalMs,
    long blobGraceMs,
    long watchdogIntervalMs,
    long watchdogStuckMs,
    int healMaxPerWindow,
    long healWindowMs,
    long healCooldownMs,
    int churnThreshold,
    long churnWindowMs,
    long healthCacheMs,
    String adminToken,
    int alertCriticalFailures,
    long alertCriticalCooldownMs,
    int alertWarningFailures,
    long alertWarningCooldownMs,
    int alertInfoFailures,
    long alertInfoCooldownMs,
    String alertWebhookUrl,
    long alertWebhookTimeoutMs,
    int alertWebhookTries,
    long alertWebhookBackoffMs,
    long alertLeaderMissingMs,
    long runnerAliveWindowMs,
    long metricsSampleMs,
    long artifactMinFreeDiskBytes,

    int dbPoolMaxWaitQueue,
    long dbPoolWaitTimeoutMs,
    long dbIdleTimeoutMs,
    int breakerFailures,
    int breakerSuccesses,
    long breakerResetMs,
    long sealIntervalMs,
    int sealBatch,
    AuthSettings auth,
    ApiLimits apiLimits,
    TlsSettings tls,
    JobLimitsConfig jobLimits,
    SecretsConfig secrets) {

  public static final String DEFAULT_DB_URL = "postgresql://reach:reach@127.0.0.1:5432/reach";
  public static final long DEFAULT_LEASE_TTL_MS = 15_000;

  /** Reads the process environment. {@code defaultHttpPort} is the service's own default port. */
  public static ReachConfig fromEnv(int defaultHttpPort) {
    return from(System.getenv(), defaultHttpPort);
  }

  public static ReachConfig from(Map<String, String> env, int defaultHttpPort) {
    EnvReader r = new EnvReader(env);
    DbUrl db = r.parsed("REACH_DB_URL", DEFAULT_DB_URL, DbUrl::parse);
    int poolSize = r.intValue("REACH_DB_POOL_SIZE", 8, 1, 200);
    long connectTimeout = r.longValue("REACH_DB_CONNECT_TIMEOUT_MS", 5_000, 100, 600_000);
    // 5 s: a frozen database counts as down after 6 s, inside the default request timeout (10 s), so a
    // request gets DB_UNAVAILABLE rather than a timeout (see OrchestratorService's start warning)
    long statementTimeout = r.longValue("REACH_DB_STATEMENT_TIMEOUT_MS", 5_000, 100, 3_600_000);
    String clusterName = r.string("REACH_CLUSTER_NAME", "reach");
    String host = r.string("REACH_CLUSTER_HOST", "127.0.0.1");
    String publicHost = r.string("REACH_CLUSTER_PUBLIC_HOST", host);
    int clusterPort = r.intValue("REACH_CLUSTER_PORT", 5701, 1, 65535);
    List<String> members = r.list("REACH_CLUSTER_MEMBERS", "127.0.0.1:5701");
    for (String m : members) {
      if (!m.matches("[A-Za-z0-9._-]+(:\\d{1,5})?")) {
        r.problem("REACH_CLUSTER_MEMBERS=" + String.join(",", members) + ": '" + m + "' is not host or host:port");
      }
    }
    int ebPort = r.intValue("REACH_EVENTBUS_PORT", 0, 0, 65535);
    long hbMs = r.longValue("REACH_CLUSTER_HEARTBEAT_MS", 1_000, 100, 60_000);
    long maxNoHb = r.longValue("REACH_CLUSTER_MAX_NO_HEARTBEAT_MS", 5_000, 500, 600_000);
    if (maxNoHb <= hbMs) {
      r.problem("REACH_CLUSTER_MAX_NO_HEARTBEAT_MS=" + maxNoHb + ": must be larger than REACH_CLUSTER_HEARTBEAT_MS");
    }
    String httpHost = r.string("REACH_HTTP_HOST", "127.0.0.1");
    int httpPort = r.intValue("REACH_HTTP_PORT", defaultHttpPort, 0, 65535);
    long requestTimeout = r.longValue("REACH_REQUEST_TIMEOUT_MS", 10_000, 100, 600_000);
    long maxBody = r.longValue("REACH_MAX_BODY_BYTES", 4L * 1024 * 1024, 1024, 1L << 30);
    long ttl = r.longValue("REACH_LEASE_TTL_MS", DEFAULT_LEASE_TTL_MS, 1_000, 3_600_000);
    long margin = r.longValue("REACH_LEASE_KILL_MARGIN_MS", 1_000, 100, 600_000);
    if (margin * 3 > ttl) {
      r.problem("REACH_LEASE_KILL_MARGIN_MS=" + margin + ": must be at most a third of REACH_LEASE_TTL_MS (" + ttl + ")");
    }
    long reaper = r.longValue("REACH_REAPER_INTERVAL_MS", 500, 50, 600_000);
    int slots = r.intValue("REACH_RUNNER_SLOTS", 4, 1, 1024);
    List<String> labels = r.list("REACH_RUNNER_LABELS", "");
    String runnerId = r.string("REACH_RUNNER_ID", defaultRunnerId());
    if (!runnerId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      r.problem("REACH_RUNNER_ID=" + runnerId + ": must match [A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    }
    long poll = r.longValue("REACH_RUNNER_POLL_MS", 2_000, 50, 600_000);
    Path stateDir = r.parsed("REACH_STATE_DIR", "reach-state", Path::of);
    Path artifactDir = r.parsed("REACH_ARTIFACT_DIR", "reach-artifacts", Path::of);
    String artifactUrl = r.string("REACH_ARTIFACT_URL", null);
    if (artifactUrl != null && !artifactUrl.matches("https?://.+")) {
      r.problem("REACH_ARTIFACT_URL=" + artifactUrl + ": must be an http:// or https:// URL");
    }
    long logMax = r.longValue("REACH_LOG_MAX_BYTES", 64L * 1024 * 1024, 1024, 1L << 40);
    long artifactMax = r.longValue("REACH_ARTIFACT_MAX_BYTES", 1024L * 1024 * 1024, 1024, 1L << 40);
    boolean testMode = r.bool("REACH_TEST_MODE", false);
    int breakerFailures = r.intValue("REACH_DB_BREAKER_FAILURES", 3, 1, 1000);
    long breakerReset = r.longValue("REACH_DB_BREAKER_RESET_MS", 2_000, 100, 600_000);
    long rideThrough = r.longValue("REACH_OUTAGE_RIDE_THROUGH_MS", 60_000, 0, 3_600_000);
    long drain = r.longValue("REACH_DRAIN_TIMEOUT_MS", 30_000, 0, 3_600_000);
    long sharePercent = r.longValue("REACH_MASS_EXPIRY_PERCENT", 50, 1, 100);
    int massMin = r.intValue("REACH_MASS_EXPIRY_MIN_LEASES", 4, 1, 1_000_000);
    long clockJump = r.longValue("REACH_CLOCK_JUMP_MS", 5_000, 100, 3_600_000);
    long minFree = r.longValue("REACH_RUNNER_MIN_FREE_DISK_BYTES", 256L * 1024 * 1024, 0, 1L << 50);
    int retryTries = r.intValue("REACH_ARTIFACT_RETRY_TRIES", 6, 1, 100);
    long retryMax = r.longValue("REACH_ARTIFACT_RETRY_MAX_DELAY_MS", 5_000, 10, 600_000);
    long retention = r.longValue("REACH_RETENTION_MS", 30L * 24 * 3_600_000, 0, 100L * 365 * 24 * 3_600_000);
    long retentionInterval = r.longValue("REACH_RETENTION_INTERVAL_MS", 300_000, 100, 86_400_000);
    long blobGrace = r.longValue("REACH_BLOB_GRACE_MS", 600_000, 0, 86_400_000);
    long watchdogInterval = r.longValue("REACH_WATCHDOG_INTERVAL_MS", 5_000, 100, 3_600_000);
    long watchdogStuck = r.longValue("REACH_WATCHDOG_STUCK_MS", 10_000, 100, 3_600_000);
    int healMax = r.intValue("REACH_HEAL_MAX_PER_WINDOW", 3, 1, 1000);
    long healWindow = r.longValue("REACH_HEAL_WINDOW_MS", 3_600_000, 1_000, 7L * 24 * 3_600_000);
    long healCooldown = r.longValue("REACH_HEAL_COOLDOWN_MS", 300_000, 0, 24L * 3_600_000);
    int churnThreshold = r.intValue("REACH_CHURN_THRESHOLD", 3, 1, 1000);
    long churnWindow = r.longValue("REACH_CHURN_WINDOW_MS", 3_600_000, 1_000, 7L * 24 * 3_600_000);
    long healthCache = r.longValue("REACH_HEALTH_CACHE_MS", 5_000, 0, 600_000);
    String adminToken = r.string("REACH_ADMIN_TOKEN", null);
    if (adminToken != null && adminToken.length() < 16) {
      r.problem("REACH_ADMIN_TOKEN: must be at least 16 characters (value not shown)");
    }
    int critFailures = r.intValue("REACH_ALERT_CRITICAL_FAILURES", 3, 1, 10_000);
    long critCooldown = r.longValue("REACH_ALERT_CRITICAL_COOLDOWN_MS", 3_600_000, 0, 30L * 24 * 3_600_000);
    int warnFailures = r.intValue("REACH_ALERT_WARNING_FAILURES", 5, 1, 10_000);
    long warnCooldown = r.longValue("REACH_ALERT_WARNING_COOLDOWN_MS", 7_200_000, 0, 30L * 24 * 3_600_000);
    int infoFailures = r.intValue("REACH_ALERT_INFO_FAILURES", 10, 1, 10_000);
    long infoCooldown = r.longValue("REACH_ALERT_INFO_COOLDOWN_MS", 86_400_000, 0, 30L * 24 * 3_600_000);
    String webhook = r.string("REACH_ALERT_WEBHOOK_URL", null);
    if (webhook != null && !webhook.matches("https?://[^\\s/]+.*")) {
      // the value itself may carry a token: name the variable, not the URL
      r.problem("REACH_ALERT_WEBHOOK_URL: must be an http:// or https:// URL");
    }
    long webhookTimeout = r.longValue("REACH_ALERT_WEBHOOK_TIMEOUT_MS", 5_000, 100, 600_000);
    int webhookTries = r.intValue("REACH_ALERT_WEBHOOK_TRIES", 3, 1, 20);
    long webhookBackoff = r.longValue("REACH_ALERT_WEBHOOK_BACKOFF_MS", 1_000, 1, 600_000);
    long leaderMissing = r.longValue("REACH_ALERT_LEADER_MISSING_MS", 30_000, 100, 86_400_000);
    long aliveWindow = r.longValue("REACH_RUNNER_ALIVE_WINDOW_MS", 60_000, 1_000, 86_400_000);
    long sampleMs = r.longValue("REACH_METRICS_SAMPLE_MS", 5_000, 100, 3_600_000);
    long storeMinFree = r.longValue("REACH_ARTIFACT_MIN_FREE_DISK_BYTES", 256L * 1024 * 1024, 0, 1L << 50);
    int maxWaitQueue = r.intValue("REACH_DB_POOL_MAX_WAIT_QUEUE", 10_000, 0, 1_000_000);
    long poolWait = r.longValue("REACH_DB_POOL_WAIT_TIMEOUT_MS", 5_000, 10, 600_000);
    long idleTimeout = r.longValue("REACH_DB_IDLE_TIMEOUT_MS", 0, 0, 86_400_000);
    int depFailures = r.intValue("REACH_BREAKER_FAILURES", 5, 1, 1000);
    int depSuccesses = r.intValue("REACH_BREAKER_SUCCESSES", 2, 1, 1000);
    long depReset = r.longValue("REACH_BREAKER_RESET_MS", 60_000, 100, 3_600_000);
    long sealInterval = r.longValue("REACH_SEAL_INTERVAL_MS", 1_000, 0, 3_600_000);
    int sealBatch = r.intValue("REACH_SEAL_BATCH", 1_000, 1, 100_000);
    AuthSettings auth = AuthSettings.from(r);
    ApiLimits apiLimits = ApiLimits.from(r);
    TlsSettings tls = TlsSettings.from(r);
    JobLimitsConfig jobLimits = JobLimitsConfig.from(r);
    SecretsConfig secrets = SecretsConfig.from(r);
    r.validate();
    return new ReachConfig(
        db, poolSize, connectTimeout, statementTimeout, clusterName, host, publicHost, clusterPort, members, ebPort,
        hbMs, maxNoHb, httpHost, httpPort, requestTimeout, maxBody, ttl, margin, reaper, slots, labels, runnerId, poll,
        stateDir, artifactDir, artifactUrl, logMax, artifactMax, testMode, breakerFailures, breakerReset, rideThrough,
        drain, sharePercent / 100.0, massMin, clockJump, minFree, retryTries, retryMax, retention, retentionInterval,
        blobGrace, watchdogInterval, watchdogStuck, healMax, healWindow, healCooldown, churnThreshold, churnWindow,
        healthCache, adminToken, critFailures, critCooldown, warnFailures, warnCooldown, infoFailures, infoCooldown, webhook,
        webhookTimeout, webhookTries, webhookBackoff, leaderMissing, aliveWindow, sampleMs, storeMinFree,
        maxWaitQueue, poolWait, idleTimeout, depFailures, depSuccesses, depReset, sealInterval, sealBatch,
        auth, apiLimits, tls, jobLimits, secrets);
  }

  private static String defaultRunnerId() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      try {
        h = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        h = "runner";
      }
    }
    return h.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid();
  }

  /** The lease protocol's timings (heartbeat period and timeout, the leader's renewal try) for these settings. */
  public dev.reach.shared.bus.LeaseTimings leaseTimings() {
    return new dev.reach.shared.bus.LeaseTimings(leaseTtlMs, leaseKillMarginMs, requestTimeoutMs);
  }
}
