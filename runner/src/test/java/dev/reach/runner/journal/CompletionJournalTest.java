package dev.reach.runner.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reach.runner.exec.Workspace;
import dev.reach.runner.state.AtomicFiles;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.job.EndReason;
import dev.reach.shared.testing.SettableClock;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The completion journal: durable entries that outlive the runner, and a reserve that keeps a full disk from losing one. */
class CompletionJournalTest {
  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private Path state;

  @BeforeEach
  void setUp() throws Exception {
    state = Files.createTempDirectory("reach-journal-");
  }

  @AfterEach
  void tearDown() throws Exception {
    Workspace.delete(state);
  }

  private static CompletionReport report(long token, EndReason reason, Integer exit) {
    return new CompletionReport("job-" + token, token, "runner-1", exit, reason, new JsonObject().put("size", 12).put("sha256", "ab"));
  }

  @Test
  void entriesSurviveTheWriterAndComeBackOldestFirst() throws Exception {
    CompletionJournal journal = new CompletionJournal(state, clock);
    CompletionReport b = report(8, EndReason.INTERRUPTED, null);
    CompletionReport a = report(9, EndReason.EXIT_CODE, 3);
    journal.write(a, "inc-1");
    clock.advance(Duration.ofSeconds(1));
    journal.write(b, "inc-1");

    // another incarnation opens the same directory
    CompletionJournal reopened = new CompletionJournal(state, clock);
    assertThat(reopened.entries()).extracting(JournalEntry::report).containsExactly(a, b);
    assertThat(reopened.entries()).extracting(JournalEntry::incarnation).containsOnly("inc-1");

    reopened.remove(9);
    reopened.remove(9); // twice is harmless
    assertThat(reopened.entries()).extracting(JournalEntry::report).containsExactly(b);
  }

  @Test
  void aTornWriteAndAnUnreadableEntryAreDroppedNotReSent() throws Exception {
    CompletionJournal journal = new CompletionJournal(state, clock);
    journal.write(report(1, EndReason.EXIT_CODE, 0), "inc-1");
    Files.writeString(journal.dir().resolve("2.json" + AtomicFiles.TEMP_SUFFIX), "{\"incarn");
    Files.writeString(journal.dir().resolve("3.json"), "{\"report\": {\"reason\": \"lease_expired\"}}");

    assertThat(journal.entries()).extracting(e -> e.report().token()).containsExactly(1L);
    try (var files = Files.list(journal.dir())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("1.json");
    }
  }

  @Test
  void theReserveIsOneMebibyteOfRealBlocks() throws Exception {
    CompletionJournal journal = new CompletionJournal(state, clock);
    assertThat(journal.hasReserve()).isFalse();

    journal.ensureReserve();
    journal.ensureReserve();

    Path reserve = state.resolve("journal.reserve");
    assertThat(Files.size(reserve)).isEqualTo(CompletionJournal.RESERVE_BYTES);
    assertThat(allocatedBytes(reserve)).as("really allocated, not sparse").isGreaterThanOrEqualTo(CompletionJournal.RESERVE_BYTES);
    assertThat(journal.hasReserve()).isTrue();
  }

  private static long allocatedBytes(Path file) throws Exception {
    Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
    String out = new String(stat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
    assertThat(stat.waitFor()).as("stat: %s", out).isZero();
    String[] f = out.split(" ");
    return Long.parseLong(f[0]) * Long.parseLong(f[1]);
  }

  @Test
  void aFullDiskGivesUpTheReserveAndStillJournalsTheCompletion() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(1);
    CompletionJournal journal = new CompletionJournal(state, clock, (target, bytes) -> {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IOException("No space left on device");
      }
      AtomicFiles.write(target, bytes, true);
    });
    journal.ensureReserve();
    CompletionReport r = report(5, EndReason.EXIT_CODE, 0);

    journal.write(r, "inc-1");

    assertThat(journal.hasReserve()).as("the reserve made room").isFalse();
    assertThat(journal.entries()).extracting(JournalEntry::report).containsExactly(r);
    journal.ensureReserve(); // space is back
    assertThat(journal.hasReserve()).isTrue();
  }

  @Test
  void withoutAReserveLeftAWriteFailureIsReported() throws Exception {
    CompletionJournal journal = new CompletionJournal(state, clock, (target, bytes) -> {
      throw new IOException("No space left on device");
    });

    assertThatThrownBy(() -> journal.write(report(6, EndReason.EXIT_CODE, 0), "inc-1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("No space");
  }
}
