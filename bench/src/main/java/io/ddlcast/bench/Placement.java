package io.ddlcast.bench;

import io.ddlcast.testkit.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The deployment's shape on a machine of two or more CPUs, with {@code taskset}: the primary host's processes (the
 * PostgreSQL primary with every backend it forks, the producer) on {@link #PRIMARY_HOST} (CPU 0); everything else
 * (the Kafka broker, the appliers, the standbys, the clients that stand in for the applications, the bench's own
 * JVM that drives them) on {@link #OTHER_HOSTS} (CPU 1). Without it the producer's cost on the primary would be
 * hidden by a second core the primary borrows from the standbys.
 *
 * <p>A process is pinned with all its threads ({@code taskset -a -p}) and every descendant it has; a PostgreSQL
 * server through its postmaster (first line of {@code postmaster.pid}), whose later backends inherit the mask. A
 * server restarted by the bench is pinned again. Without {@code taskset} or with one CPU nothing is pinned and the
 * report says so.
 */
final class Placement {
  /** The CPU of the primary host. */
  static final int PRIMARY_HOST = 0;
  /** The CPU of everything else. */
  static final int OTHER_HOSTS = 1;

  private static final Path TASKSET = Path.of("/usr/bin/taskset");
  /** Decided once, before the bench pins itself: a pinned JVM counts only the CPUs of its own mask. */
  private static final boolean ACTIVE = Files.isExecutable(TASKSET) && Runtime.getRuntime().availableProcessors() >= 2;

  private Placement() {}

  /** Whether processes are pinned on this machine. */
  static boolean active() {
    return ACTIVE;
  }

  /** One line for the report. */
  static String describe() {
    return active() ? "primary + producer on CPU " + PRIMARY_HOST + "; broker, appliers, standbys, clients and the "
        + "bench JVM on CPU " + OTHER_HOSTS + " (taskset)" : "not pinned (no taskset or one CPU)";
  }

  /** {@code command} started pinned to {@code cpu} (unchanged when pinning is off). */
  static List<String> pinned(int cpu, List<String> command) {
    if (!active()) {
      return command;
    }
    List<String> result = new ArrayList<>(List.of(TASKSET.toString(), "-c", Integer.toString(cpu)));
    result.addAll(command);
    return result;
  }

  /** Pins a running process, all its threads and all its descendants to {@code cpu}. */
  static void pin(long pid, int cpu) {
    if (!active()) {
      return;
    }
    List<Long> pids = new ArrayList<>(List.of(pid));
    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
    for (long p : pids) {
      PgTools.Run run = PgTools.run(List.of(TASKSET.toString(), "-a", "-p", "-c", Integer.toString(cpu),
          Long.toString(p)), Map.of(), 30);
      if (run.exitCode() != 0 && ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)) {
        throw new BenchException("taskset could not pin pid " + p + ": " + PgTools.tail(run.output()));
      }
    }
  }

  /** Pins the bench's own JVM (the clients it runs, and the JMH forks it starts, inherit the mask). */
  static void pinSelf(int cpu) {
    pin(ProcessHandle.current().pid(), cpu);
  }

  /** Pins a running server's postmaster and every process it forked so far. */
  static void pin(PostgresServer server, int cpu) {
    if (!active()) {
      return;
    }
    pin(postmasterPid(server.pgdata()), cpu);
  }

  static long postmasterPid(Path pgdata) {
    try {
      String first = Files.readAllLines(pgdata.resolve("postmaster.pid"), StandardCharsets.US_ASCII).get(0);
      return Long.parseLong(first.strip());
    } catch (IOException | RuntimeException e) {
      throw new BenchException("cannot read the postmaster's pid under " + pgdata + ": " + e.getMessage(), e);
    }
  }

  /** The CPUs a process may run on, as taskset prints them ({@code 0}, {@code 0,1}). */
  static String affinity(long pid) {
    PgTools.Run run = PgTools.run(List.of(TASKSET.toString(), "-c", "-p", Long.toString(pid)), Map.of(), 30);
    String out = run.output().strip();
    return out.substring(out.lastIndexOf(':') + 1).strip();
  }
}
