package io.ddlcast.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * What a rig of servers and processes started, closed in reverse order (processes before the servers they use); a
 * failure to close one is printed and does not keep the others open. Shared by the integration tests' pipeline and
 * the benchmark rig.
 */
public final class Resources implements AutoCloseable {
  private final List<AutoCloseable> started = new ArrayList<>();

  /** Remembers the resource for {@link #close()} and returns it. */
  public synchronized <T extends AutoCloseable> T track(T resource) {
    started.add(resource);
    return resource;
  }

  @Override
  public synchronized void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.err.println("closing " + started.get(i) + ": " + e);
      }
    }
    started.clear();
  }
}
