package dev.reach.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The cap's write plan and the recognition of a truncated file when a log is rebuilt. */
class LogCapTest {
  @Test
  void plansTheBytesUpToTheCapThenTheMarkerOnce() {
    LogCap cap = new LogCap(10);
    LogCap.Plan fits = cap.plan(4, false, Buffer.buffer("123456"));
    assertThat(fits.data().toString()).isEqualTo("123456");
    assertThat(fits.marker()).isNull();

    LogCap.Plan over = cap.plan(8, false, Buffer.buffer("abcd"));
    assertThat(over.data().toString()).isEqualTo("ab");
    assertThat(new String(over.marker(), StandardCharsets.US_ASCII)).isEqualTo("\n[reach: log truncated at 10 bytes]\n");

    assertThat(cap.plan(10 + over.marker().length, true, Buffer.buffer("more")).writesNothing()).isTrue();
  }

  @Test
  void recognisesATruncatedFileOnlyWhenTheSizeMatches() {
    byte[] marker = LogCap.marker(1024);
    assertThat(LogCap.isTruncated(1024 + marker.length, marker)).isTrue();
    assertThat(LogCap.isTruncated(1000 + marker.length, marker)).isFalse();
    assertThat(LogCap.isTruncated(20, "plain log output\n".getBytes(StandardCharsets.US_ASCII))).isFalse();
  }
}
