package dev.reach.sim;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Security;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes {@code UUID.randomUUID()} hand out UUIDs that grow in creation order, for this test JVM
 * only. {@code RunStore.submit} gives jobs random UUIDs, and the claim statement breaks ties in
 * queue time by job id; with random ids a replay of a seed could hand tied jobs out in another
 * order. With ids in creation order it cannot, so a seed replays exactly. Done by a security
 * provider whose generator serves only {@code UUID}'s holder (every other user of
 * {@code new SecureRandom()} gets the platform's DRBG); it works only if installed before the first
 * {@code UUID.randomUUID()} of the JVM, which {@link #install} checks.
 */
public final class SequentialUuids {
  private static final AtomicLong COUNTER = new AtomicLong();
  /** The low 8 bytes of every UUID made here (variant bits included). */
  private static final long MARK = 0x8000_5EED_5EED_5EEDL;
  private static boolean installed;

  private SequentialUuids() {}

  /** Installs the provider (once) and tells whether {@code UUID.randomUUID()} now yields sequential UUIDs. */
  static synchronized boolean install() {
    if (!installed) {
      installed = true;
      Security.insertProviderAt(new SimProvider(), 1);
    }
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    return a.getLeastSignificantBits() == MARK && b.getLeastSignificantBits() == MARK
        && Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits()) < 0;
  }

  /** The provider offering the generator; first in the list, so {@code new SecureRandom()} picks it. */
  static final class SimProvider extends Provider {
    private static final long serialVersionUID = 1L;

    SimProvider() {
      super("ReachSimSequentialUuids", "1.0", "UUIDs in creation order for the lease-protocol simulation");
      putService(new Service(this, "SecureRandom", "ReachSimSequential", Generator.class.getName(), null, null));
    }
  }

  /** Sequential bytes for {@code UUID}'s holder; the platform DRBG for everyone else. */
  public static final class Generator extends SecureRandomSpi {
    private static final long serialVersionUID = 1L;
    private final transient SecureRandom delegate;

    public Generator() {
      boolean forUuid = StackWalker.getInstance().walk(frames ->
          frames.anyMatch(f -> f.getClassName().equals("java.util.UUID$Holder")));
      delegate = forUuid ? null : platform();
    }

    private static SecureRandom platform() {
      try {
        return SecureRandom.getInstance("DRBG");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
      if (delegate != null) {
        delegate.setSeed(seed);
      }
    }

    @Override
    protected void engineNextBytes(byte[] bytes) {
      if (delegate != null) {
        delegate.nextBytes(bytes);
        return;
      }
      // bytes 0-5: a counter (UUID sets the version in byte 6 and the variant in byte 8)
      long n = COUNTER.incrementAndGet();
      java.util.Arrays.fill(bytes, (byte) 0);
      for (int i = 0; i < Math.min(6, bytes.length); i++) {
        bytes[i] = (byte) (n >>> (8 * (5 - i)));
      }
      for (int i = 8; i < Math.min(16, bytes.length); i++) {
        bytes[i] = (byte) (MARK >>> (8 * (15 - i)));
      }
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
      return delegate != null ? delegate.generateSeed(numBytes) : new byte[numBytes];
    }
  }
}
