package io.ddlcast.bench;

import io.ddlcast.producer.OfflineReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * The log-reading measurement, in its own JVM so that it can be pinned to one core ({@code taskset -c 0}): reads a
 * csvlog directory with the producer's reading stack ({@link OfflineReader}) {@code passes} times, single-threaded,
 * and prints one line per pass: {@code pass N RECORDS BYTES NANOS THREAD_CPU_NANOS}.
 */
public final class LogReadMain {
  private LogReadMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int passes = Integer.parseInt(args[1]);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int pass = 0; pass < passes; pass++) {
      long cpu0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      OfflineReader.Totals totals = OfflineReader.readDirectory(dir);
      long nanos = System.nanoTime() - t0;
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      System.out.printf("pass %d %d %d %d %d %d %d%n", pass, totals.records(), totals.bytes(), nanos, cpu,
          totals.published(), totals.problems());
    }
  }
}
