package dev.reach.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingTest {
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
