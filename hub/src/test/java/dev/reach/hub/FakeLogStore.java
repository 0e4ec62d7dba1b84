package dev.reach.hub;

import dev.reach.shared.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The artifact store's {@code LOG_READ} for one attempt, over a real event-bus consumer: a log
 * the test appends to and seals, served in slices of at most {@code sliceBytes}. Alternatively a
 * synthetic log of {@code patternSize} bytes ({@link #patternByte}) that is never held in memory.
 */
final class FakeLogStore {
  private final String jobId;
  private final int attempt;
  private final int sliceBytes;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final long patternSize;
  private volatile boolean sealed;
  final List<JsonObject> reads = new CopyOnWriteArrayList<>();
  final AtomicLong bytesServed = new AtomicLong();

  private FakeLogStore(Vertx vertx, String jobId, int attempt, int sliceBytes, long patternSize) {
    this.jobId = jobId;
    this.attempt = attempt;
    this.sliceBytes = sliceBytes;
    this.patternSize = patternSize;
    HubFixture.await(vertx.eventBus().consumer(Addresses.LOG_READ, this::read).completion());
  }

  static FakeLogStore of(Vertx vertx, String jobId, int attempt, int sliceBytes) {
    return new FakeLogStore(vertx, jobId, attempt, sliceBytes, -1);
  }

  static FakeLogStore pattern(Vertx vertx, String jobId, int attempt, long size) {
    FakeLogStore store = new FakeLogStore(vertx, jobId, attempt, Integer.MAX_VALUE, size);
    store.sealed = true;
    return store;
  }

  static byte patternByte(long position) {
    return (byte) ('a' + (position * 7 + position / 1021) % 26);
  }

  synchronized FakeLogStore append(String text) {
    log.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  void seal() {
    sealed = true;
  }

  private void read(Message<JsonObject> msg) {
    JsonObject req = msg.body();
    reads.add(req);
    long offset = req.getLong("offset");
    int max = req.getInteger("max_bytes");
    byte[] data;
    long size;
    synchronized (this) {
      boolean match = jobId.equals(req.getString("job_id")) && attempt == req.getInteger("attempt");
      size = !match ? 0 : patternSize >= 0 ? patternSize : log.size();
      int n = (int) Math.max(0, Math.min(Math.min(max, sliceBytes), size - offset));
      data = new byte[n];
      if (patternSize >= 0) {
        for (int i = 0; i < n; i++) {
          data[i] = patternByte(offset + i);
        }
      } else if (n > 0) {
        System.arraycopy(log.toByteArray(), (int) offset, data, 0, n);
      }
    }
    bytesServed.addAndGet(data.length);
    msg.reply(new JsonObject()
        .put("data", data)
        .put("offset", offset)
        .put("next_offset", offset + data.length)
        .put("size", size)
        .put("sealed", sealed && size > 0));
  }
}
