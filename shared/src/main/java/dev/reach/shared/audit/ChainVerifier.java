package dev.reach.shared.audit;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Checks an export ({@link ExportLines}) line by line, keeping only what the next line needs (the
 * previous event's position, seq and hash) and the lifecycle replay's per-job state, so a log of
 * millions of events is checked in constant memory (per job, not per event). Rules: the header
 * first and the end line last with the right counts; for sealed events each hash over the event's
 * content, each link to the previous hash (the first to the genesis hash when the export starts at
 * the beginning), positions without gaps, seqs strictly increasing; no sealed event after an
 * unsealed one; then {@link LifecycleReplay}. Stops at the first violation. Used from one thread.
 */
public final class ChainVerifier {
  private long lineNo;
  private boolean headerSeen;
  private JsonObject endLine;
  private long since;
  private String runFilter;
  private JsonObject sealedThrough;

  private long events;
  private long sealed;
  private Long firstPos;
  private Long lastPos;
  private Long firstSealedSeq;
  private Long lastSealedSeq;
  private String lastHash;
  private long unsealed;
  private Long firstUnsealedSeq;
  private Long lastUnsealedSeq;
  private long lastSeq = Long.MIN_VALUE;
  /** A position seen above the expected one: missing, or out of order if the expected one comes next. */
  private Violation pendingGap;
  private long gapExpected;
  private Violation violation;
  private final LifecycleReplay replay = new LifecycleReplay();

  /** Checks one line; returns false once a violation was found (later lines are ignored). */
  public boolean line(String text) {
    if (violation != null) {
      return false;
    }
    lineNo++;
    JsonObject o;
    try {
      o = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return fail(null, Violation.FORMAT, "not a JSON object");
    }
    if (!headerSeen) {
      return header(o);
    }
    if (endLine != null) {
      return fail(null, Violation.END, "a line after the end line");
    }
    if (o.containsKey(ExportLines.END)) {
      endLine = o.getJsonObject(ExportLines.END);
      return resolveGap(null);
    }
    SealedEvent e;
    try {
      e = SealedEvent.fromJson(o);
    } catch (IllegalArgumentException | ClassCastException ex) {
      return fail(null, Violation.FORMAT, "not an event: " + ex.getMessage());
    }
    return event(e);
  }

  private boolean header(JsonObject o) {
    JsonObject h = o.getJsonObject(ExportLines.HEADER);
    if (h == null) {
      return fail(null, Violation.HEADER, "the first line is not an export header (" + ExportLines.HEADER + ")");
    }
    if (h.getInteger("version", 0) != ExportLines.VERSION) {
      return fail(null, Violation.HEADER, "export version " + h.getValue("version") + " is not " + ExportLines.VERSION);
    }
    headerSeen = true;
    since = h.getLong("since", 0L);
    runFilter = h.getString("run_id");
    sealedThrough = h.getJsonObject("sealed_through");
    return true;
  }

  private boolean event(SealedEvent e) {
    if (pendingGap != null && !resolveGap(e)) {
      return false;
    }
    events++;
    if (e.seq() <= lastSeq) {
      return fail(e, Violation.ORDER, "seq " + e.seq() + " comes after seq " + lastSeq
          + ": lines are out of order or repeated");
    }
    if (e.sealed()) {
      if (unsealed > 0) {
        return fail(e, Violation.ORDER, "a sealed event after the unsealed tail began (seq " + firstUnsealedSeq + ")");
      }
      if (!sealedEvent(e)) {
        return false;
      }
    } else {
      if (e.prevHash() != null || e.hash() != null) {
        return fail(e, Violation.FORMAT, "an unsealed event (no pos) carries a hash");
      }
      unsealed++;
      firstUnsealedSeq = firstUnsealedSeq == null ? e.seq() : firstUnsealedSeq;
      lastUnsealedSeq = e.seq();
    }
    lastSeq = e.seq();
    LifecycleReplay.Breach b = replay.apply(e);
    return b == null || fail(e, b.rule(), b.message());
  }

  private boolean sealedEvent(SealedEvent e) {
    boolean filtered = runFilter != null;
    if (!filtered) {
      long expected = lastPos != null ? lastPos + 1 : (since == 0 ? 1 : e.pos());
      if (e.pos() > expected) {
        pendingGap = violation(e, Violation.CONTINUITY, "chain position " + e.pos() + " where " + expected
            + " was expected: the event(s) at position " + (expected == e.pos() - 1 ? expected + "" : expected + ".." + (e.pos() - 1))
            + " are missing");
        gapExpected = expected;
        // keep checking this line's own hash, so an edit here is not hidden by the gap
      } else if (e.pos() < expected) {
        return fail(e, Violation.CONTINUITY, "chain position " + e.pos() + " where " + expected
            + " was expected: lines are out of order or repeated");
      }
    }
    if (e.hash() == null || e.prevHash() == null) {
      return fail(e, Violation.FORMAT, "a sealed event without prev_hash or hash");
    }
    if (!ChainEncoding.expectedHash(e).equals(e.hash())) {
      return fail(e, Violation.HASH, "the event's content does not match its hash (edited after it was sealed)");
    }
    if (!filtered && pendingGap == null) {
      if (lastHash != null && !lastHash.equals(e.prevHash())) {
        return fail(e, Violation.LINK, "prev_hash does not link to the hash of the previous event (position " + lastPos + ")");
      }
      if (lastHash == null && e.pos() == 1 && !ChainEncoding.GENESIS.equals(e.prevHash())) {
        return fail(e, Violation.LINK, "the first seal does not link to the genesis hash");
      }
    }
    sealed++;
    firstPos = firstPos == null ? e.pos() : firstPos;
    firstSealedSeq = firstSealedSeq == null ? e.seq() : firstSealedSeq;
    lastPos = e.pos();
    lastSealedSeq = e.seq();
    lastHash = e.hash();
    return true;
  }

  /**
   * A gap noted at the previous line: out of order when {@code next} is the expected position (it
   * came late), else the events in the gap are missing (reported at the line of the gap).
   */
  private boolean resolveGap(SealedEvent next) {
    if (pendingGap == null) {
      return true;
    }
    Violation gap = pendingGap;
    pendingGap = null;
    if (next != null && next.sealed() && next.pos() == gapExpected) {
      violation = violation(next, Violation.CONTINUITY, "chain position " + gapExpected + " comes after position "
          + lastPos + " (line " + gap.line() + "): lines are out of order");
    } else {
      violation = gap;
    }
    return false;
  }

  /** Ends the check: the end line must be there with the right counts. */
  public VerifyReport finish() {
    if (violation == null && pendingGap != null) {
      resolveGap(null);
    }
    if (violation == null) {
      if (!headerSeen) {
        violation = new Violation(lineNo, null, null, Violation.HEADER, "the file is empty: no export header");
      } else if (endLine == null) {
        violation = new Violation(lineNo, null, null, Violation.END,
            "no end line (" + ExportLines.END + "): the export was cut off or its last lines removed");
      } else if (endLine.getLong("events", -1L) != events || endLine.getLong("sealed", -1L) != sealed) {
        violation = new Violation(lineNo, null, null, Violation.END, "the end line counts " + endLine.getLong("events")
            + " event(s), " + endLine.getLong("sealed") + " sealed; the file has " + events + ", " + sealed + " sealed");
      } else if (runFilter == null && sealedThrough != null && sealedThrough.getLong("seq", 0L) > since
          && !(sealedThrough.getLong("pos").equals(lastPos) && sealedThrough.getString("hash", "").equals(lastHash))) {
        violation = new Violation(lineNo, null, null, Violation.END, "the chain was sealed through position "
            + sealedThrough.getLong("pos") + " when the export began, the file's sealed events end at " + lastPos);
      }
    }
    return new VerifyReport(events, sealed, firstPos, lastPos, firstSealedSeq, lastSealedSeq, unsealed,
        firstUnsealedSeq, lastUnsealedSeq, runFilter, replay.jobs(), replay.replayed(), replay.skipped(), violation);
  }

  private Violation violation(SealedEvent e, String rule, String message) {
    return new Violation(lineNo, e == null ? null : e.seq(), e == null ? null : e.type(), rule, message);
  }

  private boolean fail(SealedEvent e, String rule, String message) {
    violation = violation(e, rule, message);
    return false;
  }
}
