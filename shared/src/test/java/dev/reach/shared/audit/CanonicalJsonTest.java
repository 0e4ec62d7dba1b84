package dev.reach.shared.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** One text per JSON value however it was parsed, so the sealer and the verifier hash the same bytes. */
class CanonicalJsonTest {
  @Test
  void keysSortedNoWhitespaceMinimalEscapes() {
    JsonObject o = new JsonObject("{\"b\": [1, \"x\\\"y\", null, true], \"a\": {\"é\": \"\\u0001\\n\"}, \"B\": 2}");
    assertThat(CanonicalJson.encode(o)).isEqualTo("{\"B\":2,\"a\":{\"é\":\"\\u0001\\n\"},\"b\":[1,\"x\\\"y\",null,true]}");
  }

  @Test
  void numbersReadTheSameWhateverTheirJavaType() {
    assertThat(CanonicalJson.encode(new JsonObject().put("n", 2))).isEqualTo(CanonicalJson.encode(new JsonObject().put("n", 2L)));
    assertThat(CanonicalJson.encode(new JsonObject("{\"n\": 2.0}"))).isEqualTo("{\"n\":2}");
    assertThat(CanonicalJson.encode(new JsonObject("{\"n\": 1.50}"))).isEqualTo("{\"n\":1.5}");
    assertThat(CanonicalJson.encode(new JsonObject("{\"n\": 1e21}"))).isEqualTo("{\"n\":1000000000000000000000}");
    assertThat(CanonicalJson.encode(new JsonObject("{\"n\": 12345678901234567890}"))).isEqualTo("{\"n\":12345678901234567890}");
  }

  @Test
  void anExportLineHashesAsItsEventDid() {
    SealedEvent e = new SealedEvent(null, 7, "2026-11-01T10:05:00.123456Z", "job_started", "r", "j", 3L,
        new JsonObject().put("spawned_at_ms", 1767268801000L).put("attempt", 1), null, null);
    String hash = ChainEncoding.hash(e, 1, ChainEncoding.GENESIS);
    SealedEvent sealed = e.withSeal(1, ChainEncoding.GENESIS, hash);
    SealedEvent readBack = SealedEvent.fromJson(new JsonObject(sealed.toJson().encode()));
    assertThat(ChainEncoding.expectedHash(readBack)).isEqualTo(hash).hasSize(64);
    assertThat(ChainEncoding.hash(e, 2, ChainEncoding.GENESIS)).as("the position is hashed").isNotEqualTo(hash);
  }
}
