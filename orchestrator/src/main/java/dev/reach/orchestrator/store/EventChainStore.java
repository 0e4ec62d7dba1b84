package dev.reach.orchestrator.store;

import dev.reach.shared.audit.ChainEncoding;
import dev.reach.shared.audit.SealedEvent;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The event chain in Postgres (see {@code sql/event_chain.sql}): finality marks, seals, export pages. */
public final class EventChainStore {
  private static final SqlFile SQL = SqlFile.load("sql/event_chain.sql");

  /** The last seal: position, seq, hash. */
  public record Head(long pos, long seq, String hash) {
    public JsonObject toJson() {
      return new JsonObject().put("pos", pos).put("seq", seq).put("hash", hash);
    }
  }

  /** A seal to store. */
  public record Seal(long pos, long seq, String prevHash, String hash) {}

  private final Db db;

  public EventChainStore(Db db) {
    this.db = db;
  }

  public Future<Long> sequenceLastValue() {
    return db.query(SQL.get("sequence_last_value"), Tuple.tuple()).map(rows -> rows.iterator().next().getLong(0));
  }

  /** A transaction id assigned now (its own statement, committed at once). */
  public Future<Long> freshXid() {
    return db.query(SQL.get("fresh_xid"), Tuple.tuple()).map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Long> oldestRunningXid() {
    return db.query(SQL.get("oldest_running_xid"), Tuple.tuple()).map(rows -> rows.iterator().next().getLong(0));
  }

  /** The last seal, or null when nothing is sealed. */
  public Future<Head> head() {
    return db.query(SQL.get("chain_head"), Tuple.tuple()).map(rows -> {
      for (Row r : rows) {
        return new Head(r.getLong("pos"), r.getLong("seq"), r.getString("hash"));
      }
      return null;
    });
  }

  /** Events after seq {@code after} up to {@code horizon}, in order, unsealed. */
  public Future<List<SealedEvent>> unsealed(long after, long horizon, int limit) {
    return db.query(SQL.get("unsealed_events"), Tuple.of(after, horizon, limit)).map(EventChainStore::events);
  }

  /** Stores the seals under {@code epoch}; the number stored (0 when the epoch is no longer current). */
  public Future<Integer> seal(long epoch, List<Seal> seals) {
    int n = seals.size();
    Long[] pos = new Long[n];
    Long[] seq = new Long[n];
    String[] prev = new String[n];
    String[] hash = new String[n];
    for (int i = 0; i < n; i++) {
      Seal s = seals.get(i);
      pos[i] = s.pos();
      seq[i] = s.seq();
      prev[i] = s.prevHash();
      hash[i] = s.hash();
    }
    return db.query(SQL.get("seal"), Tuple.of(epoch, pos, seq, prev, hash)).map(RowSet::rowCount);
  }

  /** Up to {@code limit} events after seq {@code after} (of run {@code runId} if not null), sealed up to {@code sealedThrough}. */
  public Future<List<SealedEvent>> exportPage(long after, int limit, long sealedThrough, UUID runId) {
    return (runId == null
        ? db.query(SQL.get("export_page"), Tuple.of(after, limit, sealedThrough))
        : db.query(SQL.get("export_run_page"), Tuple.of(after, limit, sealedThrough, runId)))
        .map(EventChainStore::events);
  }

  private static List<SealedEvent> events(RowSet<Row> rows) {
    List<SealedEvent> out = new ArrayList<>(rows.size());
    boolean sealed = rows.columnsNames().contains("pos");
    for (Row r : rows) {
      SealedEvent e = new SealedEvent(null, r.getLong("seq"), ChainEncoding.formatAt(r.getOffsetDateTime("at")),
          r.getString("type"), text(r.getUUID("run_id")), text(r.getUUID("job_id")), r.getLong("token"),
          payload(r.getValue("payload")), null, null);
      Long pos = sealed ? r.getLong("pos") : null;
      out.add(pos == null ? e : e.withSeal(pos, r.getString("prev_hash"), r.getString("hash")));
    }
    return out;
  }

  private static String text(UUID id) {
    return id == null ? null : id.toString();
  }

  private static JsonObject payload(Object v) {
    return v instanceof JsonObject o ? o : new JsonObject(String.valueOf(v));
  }
}
