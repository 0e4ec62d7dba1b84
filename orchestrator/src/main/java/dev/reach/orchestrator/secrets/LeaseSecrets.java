package dev.reach.orchestrator.secrets;

import dev.reach.shared.bus.Lease;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import dev.reach.shared.spec.SecretValues;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Puts the secrets on granted leases, decrypted at claim time for this delivery only: the run's
 * environment's stored secrets with the run's own over them (same name: the run's wins). A secret
 * that does not decrypt is named in the lease's {@code secretsUnavailable} (the runner then fails the
 * job with {@code secrets_unavailable}); the log line names it, never a value.
 */
public final class LeaseSecrets {
  private static final Logger LOG = Logger.getLogger(LeaseSecrets.class.getName());
  private static final SqlFile SQL = SqlFile.load("sql/secrets.sql");

  private final Db db;
  private final SecretCipher cipher;

  public LeaseSecrets(Db db, SecretCipher cipher) {
    this.db = db;
    this.cipher = cipher;
  }

  public Future<List<Lease>> attach(List<Lease> leases) {
    if (leases.isEmpty()) {
      return Future.succeededFuture(leases);
    }
    UUID[] runIds = leases.stream().map(l -> UUID.fromString(l.runId())).distinct().toArray(UUID[]::new);
    return db.query(SQL.get("for_runs"), Tuple.of(runIds)).map(rows -> {
      Map<UUID, Opened> byRun = new HashMap<>();
      // environment rows first, so the run's own override them
      List<Row> ordered = new ArrayList<>();
      rows.forEach(r -> { if ("environment".equals(r.getString("scope"))) ordered.add(r); });
      rows.forEach(r -> { if ("run".equals(r.getString("scope"))) ordered.add(r); });
      for (Row r : ordered) {
        UUID runId = r.getUUID("run_id");
        Opened o = byRun.computeIfAbsent(runId, k -> new Opened());
        String scopeKind = r.getString("scope");
        SecretScope scope = "run".equals(scopeKind) ? SecretScope.run(runId) : SecretScope.environment(r.getString("owner"));
        SealedSecret sealed = SealedSecret.fromRow(r);
        try {
          o.values.put(sealed.name(), cipher.open(scope, sealed));
          o.unavailable.remove(sealed.name());
        } catch (SecretUnavailableException e) {
          LOG.warning("run " + runId + ": " + e.getMessage());
          o.values.remove(sealed.name());
          o.unavailable.add(sealed.name());
        }
      }
      List<Lease> out = new ArrayList<>(leases.size());
      for (Lease l : leases) {
        Opened o = byRun.get(UUID.fromString(l.runId()));
        if (o == null) {
          out.add(l);
        } else {
          out.add(new Lease(l.jobId(), l.runId(), l.jobName(), l.attempt(), l.token(), l.spec(),
              SecretValues.of(o.values, "secrets"), List.copyOf(o.unavailable)));
        }
      }
      return out;
    });
  }

  private static final class Opened {
    final Map<String, String> values = new TreeMap<>();
    final Set<String> unavailable = new LinkedHashSet<>();
  }
}
