package dev.reach.hub;

import java.util.Locale;

/**
 * The roles an API token may have, lowest first: each allows what the ones below it allow. A
 * {@code runner} token (a join token) is none of these and may call nothing.
 */
enum ApiRole {
  /** Reads: runs, jobs, logs, runners, dead letters. */
  VIEWER("reads"),
  /** Reads, submits runs and cancels the runs it submitted. */
  SUBMITTER("submitting and cancelling runs"),
  /** Everything, including the admin API and other tokens' runs. */
  ADMIN("the admin API");

  private final String what;

  ApiRole(String what) {
    this.what = what;
  }

  boolean allows(ApiRole needed) {
    return ordinal() >= needed.ordinal();
  }

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  String what() {
    return what;
  }

  /** The role named {@code s}, or null for anything else (a join token's {@code runner}, unknown names). */
  static ApiRole parse(String s) {
    if (s == null) {
      return null;
    }
    for (ApiRole r : values()) {
      if (r.wire().equals(s)) {
        return r;
      }
    }
    return null;
  }
}
