package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class LogSliceTest {
  private static final byte[] BYTES = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf, 'o', 'k', '\n'}; // "+/+/" in standard base64

  @Test
  void readsVertxBinaryAndStandardBase64Alike() {
    JsonObject vertx = new JsonObject().put("data", BYTES).put("offset", 10).put("size", 16).put("sealed", true);
    JsonObject standard = new JsonObject()
        .put("data", Base64.getEncoder().encodeToString(BYTES)).put("offset", 10).put("size", 16).put("sealed", true);

    assertThat(LogSlice.fromReply(vertx, 10).data()).isEqualTo(BYTES);
    assertThat(LogSlice.fromReply(new JsonObject(vertx.encode()), 10).data()).isEqualTo(BYTES);
    assertThat(LogSlice.fromReply(standard, 10).data()).isEqualTo(BYTES);
    assertThat(LogSlice.fromReply(standard, 10).sealed()).isTrue();
    assertThat(LogSlice.fromReply(new JsonObject().put("offset", 0).put("size", 0), 0).data()).isEmpty();
  }

  @Test
  void aLogNotWrittenYetIsAnEmptyUnsealedSlice() {
    LogSlice s = LogSlice.fromReply(new JsonObject().put("data", "").put("offset", 0).put("size", 0).put("sealed", false), 0);

    assertThat(s.data()).isEmpty();
    assertThat(s.sealed()).isFalse();
    assertThat(s.readUpTo(0)).isTrue();
  }

  @Test
  void aSliceFromAnotherOffsetOrMistypedIsRefused() {
    assertThatThrownBy(() -> LogSlice.fromReply(new JsonObject().put("data", "").put("offset", 5).put("size", 9), 0))
        .isInstanceOfSatisfying(ReachException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
    assertThatThrownBy(() -> LogSlice.fromReply(new JsonObject().put("data", 42).put("offset", 0), 0))
        .isInstanceOf(ReachException.class);
    assertThatThrownBy(() -> LogSlice.fromReply(new JsonObject().put("data", "!!").put("offset", 0), 0))
        .isInstanceOf(ReachException.class);
  }
}
