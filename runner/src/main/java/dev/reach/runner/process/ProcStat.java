package dev.reach.runner.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One process as {@code /proc/PID/stat} describes it: state, parent, process group, session and
 * start time (field 22, clock ticks since boot). The start time tells a process from a later one
 * that reuses its pid. A zombie ({@code Z}) or dead ({@code X}) process runs nothing any more.
 * Blocking (reads {@code /proc}): call off the event loop.
 */
public record ProcStat(long pid, char state, long ppid, long pgrp, long session, long startTicks) {
  public boolean live() {
    return state != 'Z' && state != 'X' && state != 'x';
  }

  public static Optional<ProcStat> read(long pid) {
    if (pid <= 0) {
      return Optional.empty();
    }
    String text;
    try {
      text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      return Optional.empty(); // gone, or never was
    }
    return parse(pid, text);
  }

  /** Parses a stat line; {@code comm} (field 2) may hold spaces and parentheses, so fields count from the last ')'. */
  public static Optional<ProcStat> parse(long pid, String text) {
    int close = text.lastIndexOf(')');
    if (close < 0 || close + 2 > text.length()) {
      return Optional.empty();
    }
    String[] f = text.substring(close + 2).trim().split(" ");
    // f[0] is field 3 (state); field n is f[n - 3]
    if (f.length < 20 || f[0].isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
          Long.parseLong(f[19])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
