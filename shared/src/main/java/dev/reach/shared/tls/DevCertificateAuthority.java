package dev.reach.shared.tls;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A development CA made with the {@code openssl} program: {@code ca.crt} and {@code ca.key}, and for
 * each member {@code NAME.crt} and {@code NAME.key}, PEM, RSA 2048. A member certificate serves both
 * ends of TLS (extended key usage serverAuth and clientAuth), so it is good for event-bus mutual TLS
 * and for the hub's HTTPS; its subject alternative names are the member's name, {@code localhost} and
 * {@code 127.0.0.1}. Keys are written {@code 0600}. A directory that already holds {@code ca.crt} and
 * {@code ca.key} keeps its CA and only gets the new members; an existing member's files are never
 * overwritten.
 *
 * <p>The JDK has no public API to build certificates, hence openssl; the steps are those in the
 * README's "Transport security" section.
 */
public final class DevCertificateAuthority {
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  static final long OPENSSL_TIMEOUT_SECONDS = 60;
  private static final Pattern DNS_NAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Path openssl;
  private final int days;
  private final SecureRandom random = new SecureRandom();

  /** {@code openssl}: the program to run; {@code days}: how long certificates are valid. */
  public DevCertificateAuthority(Path openssl, int days) {
    this.openssl = openssl;
    this.days = days;
  }

  /** What was written: the CA's files (created now or kept) and each member's certificate and key. */
  public record Written(Path caCert, Path caKey, boolean caCreated, List<Member> members) {}

  /** A member's certificate and key. */
  public record Member(String name, Path cert, Path key) {}

  /** The {@code openssl} program on {@code pathVariable} (a {@code PATH} value), if there is one. */
  public static Optional<Path> findOpenssl(String pathVariable) {
    if (pathVariable == null) {
      return Optional.empty();
    }
    for (String dir : pathVariable.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path p = Path.of(dir, "openssl");
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Why {@code name} cannot be a member's name, or empty when it can. */
  public static Optional<String> invalidMemberName(String name) {
    if (name == null || name.isBlank()) {
      return Optional.of("a member name must not be empty");
    }
    if (name.equals("ca")) {
      return Optional.of("'ca' is the CA's own file name");
    }
    if (!isIpv4(name) && (!DNS_NAME.matcher(name).matches() || name.length() > 253)) {
      return Optional.of("'" + name + "' is neither a DNS name (letters, digits, '-', '.') nor an IPv4 address");
    }
    return Optional.empty();
  }

  /** Writes the CA (unless {@code dir} has one) and a certificate and key per member into {@code dir}. */
  public Written write(Path dir, List<String> memberNames) {
    for (String name : memberNames) {
      invalidMemberName(name).ifPresent(why -> {
        throw new DevCaException(why);
      });
    }
    try {
      Files.createDirectories(dir);
      Path caCert = dir.resolve(CA_CERT);
      Path caKey = dir.resolve(CA_KEY);
      boolean haveCert = Files.exists(caCert);
      boolean haveKey = Files.exists(caKey);
      if (haveCert != haveKey) {
        throw new DevCaException(dir + " has " + (haveCert ? CA_CERT : CA_KEY) + " but not " + (haveCert ? CA_KEY : CA_CERT)
            + ": remove it or use another directory");
      }
      for (String name : new LinkedHashSet<>(memberNames)) {
        for (Path p : List.of(dir.resolve(name + ".crt"), dir.resolve(name + ".key"))) {
          if (Files.exists(p)) {
            throw new DevCaException(p + " already exists: not overwritten (remove it to make a new one)");
          }
        }
      }
      Path work = Files.createTempDirectory("reach-dev-ca");
      try {
        if (!haveCert) {
          createCa(work, caCert, caKey);
        }
        List<Member> members = new ArrayList<>();
        for (String name : new LinkedHashSet<>(memberNames)) {
          members.add(createMember(work, dir, name, caCert, caKey));
        }
        return new Written(caCert, caKey, !haveCert, members);
      } finally {
        deleteTree(work);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void createCa(Path work, Path caCert, Path caKey) throws IOException {
    Path cnf = work.resolve("ca.cnf");
    Files.writeString(cnf, String.join("\n",
        "[req]",
        "prompt = no",
        "distinguished_name = dn",
        "x509_extensions = v3_ca",
        "[dn]",
        "CN = Reach development CA",
        "[v3_ca]",
        "basicConstraints = critical, CA:TRUE",
        "keyUsage = critical, keyCertSign, cRLSign",
        "subjectKeyIdentifier = hash",
        ""), StandardCharsets.UTF_8);
    ownerOnlyFile(caKey);
    run("req", "-x509", "-config", cnf.toString(), "-newkey", "rsa:2048", "-nodes", "-sha256",
        "-keyout", caKey.toString(), "-out", caCert.toString(), "-days", Integer.toString(days),
        "-set_serial", serial());
    Files.setPosixFilePermissions(caKey, OWNER_ONLY);
  }

  private Member createMember(Path work, Path dir, String name, Path caCert, Path caKey) throws IOException {
    Path cert = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    Path csr = work.resolve(name + ".csr");
    Path reqCnf = work.resolve(name + "-req.cnf");
    Files.writeString(reqCnf, String.join("\n",
        "[req]", "prompt = no", "distinguished_name = dn", "[dn]", "CN = " + name, ""), StandardCharsets.UTF_8);
    Path extCnf = work.resolve(name + "-ext.cnf");
    Files.writeString(extCnf, String.join("\n",
        "[v3_member]",
        "basicConstraints = critical, CA:FALSE",
        "keyUsage = critical, digitalSignature, keyEncipherment",
        "extendedKeyUsage = serverAuth, clientAuth",
        "subjectAltName = " + String.join(", ", subjectAltNames(name)),
        "subjectKeyIdentifier = hash",
        "authorityKeyIdentifier = keyid",
        ""), StandardCharsets.UTF_8);
    ownerOnlyFile(key);
    run("req", "-new", "-config", reqCnf.toString(), "-newkey", "rsa:2048", "-nodes", "-sha256",
        "-keyout", key.toString(), "-out", csr.toString());
    Files.setPosixFilePermissions(key, OWNER_ONLY);
    run("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
        "-set_serial", serial(), "-days", Integer.toString(days), "-sha256",
        "-extfile", extCnf.toString(), "-extensions", "v3_member", "-out", cert.toString());
    return new Member(name, cert, key);
  }

  /** The member's name, {@code localhost} and {@code 127.0.0.1}, each once. */
  static List<String> subjectAltNames(String name) {
    Set<String> sans = new LinkedHashSet<>();
    sans.add((isIpv4(name) ? "IP:" : "DNS:") + name);
    sans.add("DNS:localhost");
    sans.add("IP:127.0.0.1");
    return List.copyOf(sans);
  }

  private static boolean isIpv4(String s) {
    var m = IPV4.matcher(s);
    if (!m.matches()) {
      return false;
    }
    for (int i = 1; i <= 4; i++) {
      if (Integer.parseInt(m.group(i)) > 255) {
        return false;
      }
    }
    return true;
  }

  /** A random positive 63-bit serial number, in hex. */
  private String serial() {
    return "0x" + new BigInteger(63, random).add(BigInteger.ONE).toString(16);
  }

  /** Creates {@code p} empty and owner-only, so the key openssl writes into it is never readable by others. */
  private static void ownerOnlyFile(Path p) throws IOException {
    try {
      Files.createFile(p, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (FileAlreadyExistsException e) {
      throw new DevCaException(p + " already exists: not overwritten (remove it to make a new one)");
    }
  }

  private void run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(openssl.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("OPENSSL_CONF"); // our own config files only
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new DevCaException(openssl + " " + args[0] + " did not finish within " + OPENSSL_TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new DevCaException(openssl + " " + String.join(" ", args) + " failed (exit " + p.exitValue() + "): "
            + new String(out, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new DevCaException("cannot run " + openssl + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevCaException("interrupted while running " + openssl);
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir of config files and requests left behind holds no key
    }
  }
}
