package dev.reach.shared.audit;

/**
 * What {@link ChainVerifier} found: how many events it checked, the sealed stretch (chain positions
 * and seqs), the unsealed tail (after the chain head the export started from: not covered by any
 * hash), how many events the lifecycle replay covered, and the first violation (null when every
 * rule held).
 */
public record VerifyReport(
    long events, long sealed, Long firstPos, Long lastPos, Long firstSealedSeq, Long lastSealedSeq,
    long unsealed, Long firstUnsealedSeq, Long lastUnsealedSeq, String runFilter, int jobs, long replayed,
    long notReplayed, Violation violation) {

  public boolean ok() {
    return violation == null;
  }

  /** A few lines for a person. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    String nl = System.lineSeparator();
    if (violation != null) {
      sb.append("FAILED at ").append(violation.describe()).append(nl);
      sb.append("checked before it: ").append(events).append(" event(s)").append(nl);
      return sb.toString();
    }
    sb.append("OK: ").append(events).append(" event(s) checked").append(runFilter == null ? "" : " (run " + runFilter + ")")
        .append(nl);
    if (sealed == 0) {
      sb.append("sealed: none (nothing in this export is covered by the chain yet)").append(nl);
    } else {
      sb.append("sealed: ").append(sealed).append(" event(s), chain positions ").append(firstPos).append("..")
          .append(lastPos).append(" (seq ").append(firstSealedSeq).append("..").append(lastSealedSeq).append(')')
          .append(runFilter == null ? ": every hash and link holds" : ": every hash holds (links between a run's events are not consecutive, not checked)")
          .append(nl);
    }
    if (unsealed > 0) {
      sb.append("unsealed tail: ").append(unsealed).append(" event(s) (seq ").append(firstUnsealedSeq).append("..")
          .append(lastUnsealedSeq).append(") not sealed when the export began: order and lifecycle checked, no hash")
          .append(nl);
    }
    sb.append("lifecycle: ").append(jobs).append(" job(s) replayed over ").append(replayed).append(" event(s)");
    if (notReplayed > 0) {
      sb.append("; ").append(notReplayed).append(" event(s) about jobs submitted before the export's start not replayed");
    }
    sb.append(nl);
    return sb.toString();
  }
}
