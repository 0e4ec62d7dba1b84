package dev.reach.cli.logging;

import dev.reach.shared.logging.RedactingFormatter;
import dev.reach.shared.logging.Redactor;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * java.util.logging for reachctl: one line per record on stderr, INFO for Reach and Vert.x,
 * WARNING for Hazelcast, Netty and the embedded Postgres (zonky, bridged from SLF4J), credentials
 * masked ({@link Redactor}: URL passwords, bearer tokens, {@code password=}/{@code token=} pairs,
 * and the secrets of the environment — {@code REACH_DB_URL}'s password, {@code REACH_*TOKEN*} …).
 * Called once, by {@link dev.reach.cli.ReachCtl#main}, so every service JVM logs this way;
 * in-process callers (tests) keep their own logging.
 */
public final class Logging {
  /** Loggers whose level was set; JUL holds loggers weakly, so keep them. */
  private static final List<Logger> CONFIGURED = new ArrayList<>();
  private static boolean done;

  private Logging() {}

  public static synchronized void configure() {
    if (done) {
      return;
    }
    done = true;
    LogManager.getLogManager().reset();
    Redactor.registerEnvironment(System.getenv());
    Logger root = Logger.getLogger("");
    root.addHandler(handler(System.err));
    root.setLevel(Level.INFO);
    level("dev.reach", Level.INFO);
    level("io.vertx", Level.INFO);
    level("com.hazelcast", Level.WARNING);
    // Reach uses Hazelcast locks only to pick who does leader-only work, never for correctness
    // (the fencing epoch in Postgres is), so the CP Subsystem's "UNSAFE mode" warning is expected.
    level("com.hazelcast.cp.CPSubsystem", Level.SEVERE);
    level("io.netty", Level.WARNING);
    level("io.zonky", Level.WARNING);
    level("org.postgresql", Level.WARNING);
  }

  /**
   * The one handler of a reachctl JVM: one line per record on {@code out}, flushed at once (like a
   * ConsoleHandler), every record passed through {@link RedactingFormatter} so database passwords,
   * tokens and registered secrets never reach the log. Closing it flushes and leaves {@code out} open.
   */
  static Handler handler(OutputStream out) {
    StreamHandler handler = new StreamHandler(out, new RedactingFormatter(new OneLine())) {
      @Override
      public synchronized void publish(LogRecord r) {
        super.publish(r);
        flush();
      }

      @Override
      public synchronized void close() {
        flush(); // System.err stays open for whatever is printed after logging shuts down
      }
    };
    handler.setLevel(Level.ALL);
    return handler;
  }

  private static void level(String name, Level level) {
    Logger l = Logger.getLogger(name);
    l.setLevel(level);
    CONFIGURED.add(l);
  }

  /** {@code 2026-11-01T10:00:00.123Z INFO  HubHttpVerticle: message}, then the stack trace if any. */
  static final class OneLine extends Formatter {
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord r) {
      StringBuilder sb = new StringBuilder(160);
      int start = sb.length();
      sb.append(TIME.format(r.getInstant())).append(' ');
      String level = r.getLevel().getName();
      sb.append(level);
      do {
        sb.append(' ');
      } while (sb.length() - start < 33); // the timestamp (24), a space, the level padded to 7, a space
      sb.append(shortName(r.getLoggerName())).append(": ");
      sb.append(formatMessage(r).replace('\n', ' ').replace('\r', ' '));
      sb.append(System.lineSeparator());
      if (r.getThrown() != null) {
        StringWriter sw = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(sw));
        sb.append(sw);
      }
      return sb.toString();
    }

    static String shortName(String name) {
      if (name == null || name.isEmpty()) {
        return "root";
      }
      int dot = name.lastIndexOf('.');
      return dot < 0 || dot == name.length() - 1 ? name : name.substring(dot + 1);
    }
  }
}
