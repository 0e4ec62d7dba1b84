package dev.reach.shared.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The port a restartable HTTP worker listens on. Vert.x shares one listening socket between the
 * servers of a JVM that ask for the same host and port, which lets a worker be replaced without
 * ever closing its port — but a configured port 0 would give every new server another random
 * port, so it is resolved to one free port once, at first start.
 */
public final class ListenPort {
  private ListenPort() {}

  public static int resolve(String host, int configured) {
    if (configured != 0) {
      return configured;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + host, e);
    }
  }
}
