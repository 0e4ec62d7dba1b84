package dev.reach.cli;

import dev.reach.shared.audit.ChainEncoding;
import dev.reach.shared.audit.ExportLines;
import dev.reach.shared.audit.SealedEvent;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Export files for the audit tests: parsing an export's lines into events, and sealing a list of
 * events into a fresh, internally consistent export — what someone able to recompute every hash
 * would produce, so only the lifecycle replay can catch what they changed.
 */
final class AuditLogs {
  private AuditLogs() {}

  static List<SealedEvent> events(List<String> lines) {
    List<SealedEvent> out = new ArrayList<>();
    for (String l : lines) {
      JsonObject o = new JsonObject(l);
      if (!o.containsKey(ExportLines.HEADER) && !o.containsKey(ExportLines.END)) {
        out.add(SealedEvent.fromJson(o));
      }
    }
    return out;
  }

  /** {@code events} sealed anew from position 1 (seqs renumbered 1, 2, ...), with header and end line. */
  static List<String> rechain(List<SealedEvent> events) {
    List<String> body = new ArrayList<>();
    String prev = ChainEncoding.GENESIS;
    long pos = 0;
    SealedEvent last = null;
    for (SealedEvent e : events) {
      pos++;
      SealedEvent renumbered = new SealedEvent(null, pos, e.at(), e.type(), e.runId(), e.jobId(), e.token(),
          e.payload(), null, null);
      String hash = ChainEncoding.hash(renumbered, pos, prev);
      last = renumbered.withSeal(pos, prev, hash);
      body.add(last.toJson().encode());
      prev = hash;
    }
    List<String> out = new ArrayList<>();
    out.add(ExportLines.header(0, null, last == null ? null
        : new JsonObject().put("pos", last.pos()).put("seq", last.seq()).put("hash", last.hash())).encode());
    out.addAll(body);
    out.add(ExportLines.end(pos, pos).encode());
    return out;
  }

  static int indexOf(List<SealedEvent> events, Predicate<SealedEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no such event");
  }
}
