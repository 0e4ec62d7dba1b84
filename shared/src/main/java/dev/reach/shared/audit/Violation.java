package dev.reach.shared.audit;

/**
 * The first rule an exported log breaks: where ({@code line}, 1-based), which event ({@code seq}
 * and {@code type}, null when the line is not an event), which rule and what was found.
 */
public record Violation(long line, Long seq, String type, String rule, String message) {
  /** Chain rules. */
  public static final String FORMAT = "format";
  public static final String HEADER = "header";
  public static final String HASH = "hash";
  public static final String LINK = "link";
  public static final String CONTINUITY = "continuity";
  public static final String ORDER = "order";
  public static final String END = "end";
  /** Lifecycle rules, replayed over the events. */
  public static final String LEGAL_TRANSITION = "legal-transition";
  public static final String AFTER_TERMINAL = "after-terminal";
  public static final String STALE_TOKEN = "stale-token";
  public static final String ONE_COMPLETION = "one-completion-per-attempt";

  /** {@code line 7, event seq 23 (attempt_completed): rule stale-token: ...}. */
  public String describe() {
    String where = "line " + line + (seq == null ? "" : ", event seq " + seq + " (" + type + ")");
    return where + ": rule " + rule + ": " + message;
  }
}
