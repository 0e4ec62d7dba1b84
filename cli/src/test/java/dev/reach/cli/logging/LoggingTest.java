package dev.reach.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.logging.RedactingFormatter;
import dev.reach.shared.logging.Redactor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingTest {
  /**
   * Seed 003's "Connection string appears in log message": through the handler every reachctl JVM
   * logs with, a connection string, a bearer token and a registered secret come out masked — in
   * the message, in its parameters and in a thrown exception's message and cause.
   */
  @Test
  void connectionStringAppearsInLogMessage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Handler handler = Logging.handler(out);
    Logger log = Logger.getLogger("dev.reach.cli.logging.redaction-test");
    log.setUseParentHandlers(false);
    log.addHandler(handler);
    Redactor.register("admin-token-5f2c9");
    try {
      log.info("connecting to postgresql://reach:hunter22@db.internal:5432/reach");
      log.log(Level.INFO, "retrying postgresql://reach:{0}@db.internal:5432/reach", "pw-as-parameter");
      log.warning("upstream said 401 to Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig and token=tk_live_42");
      log.log(Level.SEVERE, "admin call with admin-token-5f2c9 refused",
          new IllegalStateException("cannot connect to postgres://reach:hunter22@db.internal/reach",
              new RuntimeException("token admin-token-5f2c9 rejected; password=hunter22")));
    } finally {
      log.removeHandler(handler);
      handler.close();
    }

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains(
        "connecting to postgresql://reach:***@db.internal:5432/reach",
        "retrying postgresql://reach:***@db.internal:5432/reach",
        "Authorization: Bearer ***", "token=***",
        "admin call with *** refused",
        "cannot connect to postgres://reach:***@db.internal/reach",
        "token *** rejected; password=***");
    assertThat(text).doesNotContain("hunter22", "pw-as-parameter", "eyJhbGciOiJIUzI1NiJ9", "tk_live_42", "admin-token-5f2c9");
  }

  @Test
  void everyServiceJvmLogsThroughTheRedactingFormatter() {
    Logging.configure();
    assertThat(Logger.getLogger("").getHandlers()).isNotEmpty()
        .allSatisfy(h -> assertThat(h.getFormatter()).isInstanceOf(RedactingFormatter.class));
  }

  @Test
  void oneLinePerRecordWithTheLevelAndShortLoggerName() {
    LogRecord r = new LogRecord(Level.WARNING, "first\nsecond");
    r.setLoggerName("com.hazelcast.instance.impl.HazelcastInstanceFactory");
    r.setInstant(java.time.Instant.EPOCH);
    String line = new Logging.OneLine().format(r);
    assertThat(line).isEqualTo("1970-01-01T00:00:00.000Z WARNING HazelcastInstanceFactory: first second" + System.lineSeparator());
    LogRecord info = new LogRecord(Level.INFO, "up");
    info.setLoggerName("dev.reach.cli.LocalCluster");
    info.setInstant(java.time.Instant.EPOCH);
    assertThat(new Logging.OneLine().format(info)).startsWith("1970-01-01T00:00:00.000Z INFO    LocalCluster: up");
  }

  @Test
  void slf4jGoesToJulThroughTheBridge() {
    assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(org.slf4j.ILoggerFactory.class);
    assertThat(LoggerFactory.getLogger("io.zonky.test.x").getClass().getSimpleName()).isEqualTo("JulLogger");
  }
}
