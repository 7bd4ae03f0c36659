package io.ddlcast.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free TCP ports on 127.0.0.1 for servers that need a fixed port: a broker or cluster that is stopped and
 * started again must come back on the same port.
 *
 * <p>Ports are chosen outside the kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}) when
 * possible, because while a server is down for a fault test, clients keep reconnecting and every outgoing
 * connection takes an ephemeral local port, which could be the server's own. A port is handed out at most once
 * per JVM, so two servers started back to back never get the same one before either has bound it.
 */
public final class FreePorts {

  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 10_000;
  private static final int ATTEMPTS = 100;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {
  }

  /** A port on 127.0.0.1 that was free a moment ago and has not been handed out before in this JVM. */
  public static synchronized int pick() {
    int[] range = nonEphemeralRange();
    for (int attempt = 0; attempt < ATTEMPTS && range != null; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(range[0], range[1] + 1);
      if (!HANDED_OUT.contains(port) && bindable(port)) {
        HANDED_OUT.add(port);
        return port;
      }
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = bindAny();
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new TestkitException("could not find a free TCP port on 127.0.0.1 in " + 2 * ATTEMPTS + " attempts");
  }

  /** The larger of the ranges below and above the ephemeral range, or null if it cannot be read. */
  private static int[] nonEphemeralRange() {
    try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
      String[] bounds = reader.readLine().trim().split("\\s+");
      int low = Integer.parseInt(bounds[0]);
      int high = Integer.parseInt(bounds[1]);
      int below = low - 1 - LOWEST;
      int above = 65_535 - (high + 1);
      if (Math.max(below, above) < 1000) {
        return null;
      }
      return below >= above ? new int[] {LOWEST, low - 1} : new int[] {high + 1, 65_535};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int bindAny() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("could not bind a probe socket on 127.0.0.1", e);
    }
  }
}
