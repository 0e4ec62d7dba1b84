package dev.reach.runner.ship;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming masker: every secret value becomes {@code ***}, however the stream is cut. */
class SecretMaskerTest {

  /** Feeds {@code chunks} one write each, then finishes; returns what came out. */
  private static String run(List<String> secrets, byte[]... chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SecretMasker m = new SecretMasker(secrets, (b, n) -> out.write(b, 0, n));
    for (byte[] c : chunks) {
      m.write(c, c.length);
    }
    m.finish();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aWholeValueIsMasked() {
    assertThat(run(List.of("hunter2"), b("password=hunter2\n"))).isEqualTo("password=***\n");
    assertThat(run(List.of("hunter2"), b("hunter2"))).isEqualTo("***");
    assertThat(run(List.of("hunter2"), b("no secret here\n"))).isEqualTo("no secret here\n");
  }

  @Test
  void aValueSplitAtEveryPositionAcrossTwoChunksIsMasked() {
    String text = "before s3cr3t-VALUE after s3cr3t-VALUE end";
    byte[] all = b(text);
    for (int cut = 0; cut <= all.length; cut++) {
      String got = run(List.of("s3cr3t-VALUE"), Arrays.copyOfRange(all, 0, cut), Arrays.copyOfRange(all, cut, all.length));
      assertThat(got).as("cut at " + cut).isEqualTo("before *** after *** end");
    }
  }

  @Test
  void aValueDrippedOneByteAtATimeIsMasked() {
    byte[] all = b("x=abcdef;y=abcdef");
    byte[][] bytes = new byte[all.length][];
    for (int i = 0; i < all.length; i++) {
      bytes[i] = new byte[] {all[i]};
    }
    assertThat(run(List.of("abcdef"), bytes)).isEqualTo("x=***;y=***");
  }

  @Test
  void repeatedAndOverlappingValues() {
    assertThat(run(List.of("abab"), b("abababab"))).isEqualTo("******");
    assertThat(run(List.of("aa"), b("aaa"))).isEqualTo("***a");
    assertThat(run(List.of("secret"), b("secretsecret"))).isEqualTo("******");
    // where values overlap, the longest whole value at the leftmost position wins
    assertThat(run(List.of("ab", "abcd"), b("abcd ab abc"))).isEqualTo("*** *** ***c");
    // the longer value completed in a later chunk is masked whole, not as the shorter one plus its tail
    assertThat(run(List.of("ab", "abcd"), b("xab"), b("cd"))).isEqualTo("x***");
  }

  @Test
  void severalSecrets() {
    assertThat(run(List.of("alpha-1", "beta-22", "gamma-333"), b("alpha-1 beta-22 gam"), b("ma-333 alpha-"), b("1")))
        .isEqualTo("*** *** *** ***");
  }

  @Test
  void aPrefixOfASecretAtTheEndOfTheStreamIsLetGo() {
    assertThat(run(List.of("topsecret"), b("the end: tops"))).isEqualTo("the end: tops");
    assertThat(run(List.of("topsecret"), b("the end: top"), b("sec"))).isEqualTo("the end: topsec");
  }

  @Test
  void holdsBackNoMoreThanTheLongestValueMinusOneByte() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SecretMasker m = new SecretMasker(List.of("0123456789"), (bs, n) -> out.write(bs, 0, n));
    byte[] in = b("xxxxx012345678");
    m.write(in, in.length);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("xxxxx"); // 9 bytes held: they might start the value
    byte[] no = b("X");
    m.write(no, 1);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("xxxxx012345678X");
    m.finish();
  }

  @Test
  void multiByteUtf8ValuesSplitInsideACharacter() {
    String secret = "pässwörd-秘密-🔑";
    String text = "k=" + secret + " ü";
    byte[] all = b(text);
    for (int cut = 0; cut <= all.length; cut++) {
      String got = run(List.of(secret), Arrays.copyOfRange(all, 0, cut), Arrays.copyOfRange(all, cut, all.length));
      assertThat(got).as("cut at " + cut).isEqualTo("k=*** ü");
    }
    // a character that only shares its first bytes with the value passes unchanged
    assertThat(run(List.of("秘密"), b("秘書 秘"), b("密"))).isEqualTo("秘書 ***");
  }

  @Test
  void withoutSecretsEverythingPassesAndNothingIsHeld() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SecretMasker m = new SecretMasker(List.of(), (bs, n) -> out.write(bs, 0, n));
    byte[] in = b("anything");
    m.write(in, in.length);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("anything");
    assertThat(m.active()).isFalse();
  }

  @Test
  void nothingIsWrittenAfterTheFinish() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SecretMasker m = new SecretMasker(List.of("s3"), (bs, n) -> out.write(bs, 0, n));
    m.write(b("a s"), 3);
    m.finish();
    m.finish();
    m.write(b("3"), 1);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a s");
  }

  @Test
  void masksAWholeMessage() {
    assertThat(SecretMasker.mask("failed: token=abc123xyz", List.of("abc123xyz"))).isEqualTo("failed: token=***");
  }
}
