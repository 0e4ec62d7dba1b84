package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /admin/api/worker/restart} on a real hub while a loop of requests, each on a new TCP
 * connection, keeps hitting its port: the HTTP worker is replaced (a new deployment) and not one
 * connection is refused or left unanswered, before, during or after the reload.
 *
 * <p>The reload's overlap is held open, not hoped for: a request the old worker accepted before the
 * reload waits for its body, so the old worker drains (still serving the port beside the new one)
 * until the test sends that body. The loop must be answered throughout that window, and the held
 * request must be answered too, by the worker that accepted it.
 */
class WorkerRestartKeepsThePortTest {
  private static final String ADMIN = "restart-admin-token-0123456789";
  private HubFixture f;
  private HeldRequest held;

  @AfterEach
  void tearDown() throws IOException {
    if (held != null) {
      held.socket().close();
    }
    if (f != null) {
      f.close();
    }
  }

  /** One request on a fresh connection: its status line, or what went wrong. */
  private static String once(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != -1 && c != '\r' && line.length() < 200; c = in.read()) {
        line.append((char) c);
      }
      return line.length() == 0 ? "no answer" : line.toString();
    } catch (IOException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  @Test
  void theReloadReplacesTheWorkerWhileEveryConnectionIsAnswered() throws Exception {
    f = HubFixture.start(Map.of("REACH_ADMIN_TOKEN", ADMIN));
    int port = f.hub.httpPort();
    assertThat(once(port)).isEqualTo("HTTP/1.1 200 OK");

    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger answeredDuringReload = new AtomicInteger();
    AtomicBoolean reloading = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    held = HeldRequest.open(port);
    Thread loop = new Thread(() -> {
      // bounded in count and time; stops soon after the reload has answered
      for (int i = 0; i < 20_000 && !stop.get() && System.nanoTime() < deadline; i++) {
        boolean during = reloading.get();
        String status = once(port);
        if (status.equals("HTTP/1.1 200 OK")) {
          answered.incrementAndGet();
          if (during && reloading.get()) {
            answeredDuringReload.incrementAndGet();
          }
        } else {
          failures.add(status);
        }
      }
    }, "request-loop");
    loop.start();
    while (answered.get() < 20 && loop.isAlive()) {
      Thread.onSpinWait();
    }

    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + ADMIN);
    String before = f.postJson("/admin/api/worker/restart", new JsonObject(), headers).error().getString("field");
    assertThat(before).as("the reason is asked for").isEqualTo("reason");
    JsonObject worker = f.call(HttpMethod.GET, "/admin/api/worker/status", headers, null).json().getJsonObject("worker");
    reloading.set(true);
    HubFixture.HttpReply r = f.postJson("/admin/api/worker/restart", new JsonObject().put("reason", "reload test"),
        headers);
    // the old worker cannot finish draining while the held request waits: the window stays open until
    // the loop has been answered in it (or the loop ends, at its bounds)
    while (answeredDuringReload.get() < 20 && loop.isAlive()) {
      Thread.onSpinWait();
    }
    reloading.set(false);
    String heldAnswer = held.finish();
    int afterReload = answered.get();
    while (answered.get() < afterReload + 20 && loop.isAlive()) {
      Thread.onSpinWait();
    }
    stop.set(true);
    loop.join(10_000);

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().getBoolean("restarted")).isTrue();
    assertThat(r.json().getJsonObject("worker").getString("deployment_id"))
        .as("a new deployment serves the port").isNotEqualTo(worker.getString("deployment_id"));
    assertThat(r.json().getJsonObject("worker").getInteger("port")).isEqualTo(port);
    assertThat(r.headers().get("Connection")).as("the answer's connection belongs to the draining worker: not to be kept")
        .isEqualTo("close");
    assertThat(failures).as("connections refused or unanswered across the reload").isEmpty();
    assertThat(answeredDuringReload.get()).as("requests answered while the old worker drained").isGreaterThanOrEqualTo(20);
    assertThat(heldAnswer).as("the request in flight on the old worker is answered by it, on a closing connection")
        .startsWith("http/1.1 400 ").contains("\nconnection: close");
    System.out.printf("worker reload: %d requests answered, %d while the reload ran, 0 refused%n", answered.get(),
        answeredDuringReload.get());
  }

  /**
   * A {@code POST /api/v1/runs} whose headers the hub has read (it answered {@code 100 Continue}) but
   * whose body is not sent yet: a request in flight on the worker that accepted it.
   */
  private record HeldRequest(Socket socket) {
    private static final String BODY = "{}";

    static HeldRequest open(int port) throws IOException {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("POST /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + BODY.length() + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      String interim = head(s.getInputStream());
      assertThat(interim).as("the hub has read the held request's headers").startsWith("HTTP/1.1 100 Continue");
      return new HeldRequest(s);
    }

    /** Sends the body; the answer's status line and headers (lower case). */
    String finish() throws IOException {
      try (socket) {
        socket.getOutputStream().write(BODY.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return head(socket.getInputStream()).toLowerCase(Locale.ROOT);
      }
    }

    /** Reads up to the blank line that ends a response's head. */
    private static String head(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      for (int c = in.read(); c != -1 && head.length() < 4_000; c = in.read()) {
        if (c == '\r') {
          continue;
        }
        head.append((char) c);
        if (head.toString().endsWith("\n\n")) {
          break;
        }
      }
      return head.toString();
    }
  }
}
