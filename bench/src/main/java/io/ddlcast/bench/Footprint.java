package io.ddlcast.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a component process costs, read from where the kernel and the JVM record it, without attaching to it while it
 * works:
 *
 * <ul>
 *   <li>peak RSS: {@code VmHWM} of {@code /proc/PID/status}, the kernel's high-water mark of resident memory since
 *       the process started (exact, no sampling);
 *   <li>CPU: {@code utime + stime} of {@code /proc/PID/stat} (clock ticks, 10 ms at the usual 100 Hz), read at the
 *       start and the end of a measured window;
 *   <li>heap: the process runs with {@code -Xlog:gc:file=...}; every collection logs the heap in use before and
 *       after it ({@code 25M->6M(256M)}, 1 MB resolution). The live heap is the most left after any collection,
 *       including one forced at the end of the window ({@code jcmd PID GC.run}) so that a process that never needed
 *       a collection still has a figure. The peak heap in use is the most seen before any collection: it depends on
 *       how large the collector lets the young generation grow, so the targets are judged on the live heap.
 * </ul>
 */
final class Footprint {
  /** A process's heap according to its GC log: MB, or NaN without any collection. */
  record Heap(double peakUsedMb, double liveMb, int collections) {}

  private static final Pattern GC_LINE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
  private static final long CLOCK_TICKS = clockTicks();

  private Footprint() {}

  /** {@code -Xlog} option that makes a JVM write the log {@link #heap} reads. */
  static String gcLogOption(Path file) {
    return "-Xlog:gc:file=" + file + ":uptime";
  }

  /** Peak resident set since the process started, MB. */
  static double peakRssMb(long pid) {
    return statusKb(pid, "VmHWM:") / 1024.0;
  }

  /** CPU time the process used so far (user + system), milliseconds. */
  static double cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      // the command name (field 2) is in parentheses and may hold spaces: fields are counted after its ')'
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime (14), stime (15)
      return ticks * 1000.0 / CLOCK_TICKS;
    } catch (IOException | RuntimeException e) {
      throw new BenchException("cannot read the CPU time of pid " + pid + ": " + e.getMessage(), e);
    }
  }

  /** Forces a full collection in the process ({@code jcmd PID GC.run}), so its GC log shows its live heap. */
  static void forceGc(long pid) {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    if (!Files.isExecutable(Path.of(jcmd))) {
      jcmd = "jcmd";
    }
    PgTools.Run run = PgTools.run(List.of(jcmd, Long.toString(pid), "GC.run"), Map.of(), 60);
    if (run.exitCode() != 0) {
      throw new BenchException("jcmd " + pid + " GC.run failed: " + PgTools.tail(run.output()));
    }
  }

  /** The heap figures of a GC log written with {@link #gcLogOption}. */
  static Heap heap(Path gcLog) {
    String text;
    try {
      text = Files.exists(gcLog) ? Files.readString(gcLog, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new BenchException("cannot read " + gcLog + ": " + e.getMessage(), e);
    }
    return heapOf(text);
  }

  static Heap heapOf(String gcLog) {
    double peak = Double.NaN;
    double live = Double.NaN;
    int collections = 0;
    for (String line : gcLog.split("\n")) {
      if (!line.contains("Pause")) {
        continue;
      }
      Matcher m = GC_LINE.matcher(line);
      if (m.find()) {
        collections++;
        double before = mb(m.group(1), m.group(2));
        double after = mb(m.group(3), m.group(4));
        peak = Double.isNaN(peak) ? before : Math.max(peak, before);
        live = Double.isNaN(live) ? after : Math.max(live, after);
      }
    }
    return new Heap(peak, live, collections);
  }

  private static double mb(String value, String unit) {
    double v = Double.parseDouble(value);
    return switch (unit) {
      case "K" -> v / 1024;
      case "G" -> v * 1024;
      default -> v;
    };
  }

  private static long statusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).replace("kB", "").strip());
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new BenchException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
    }
    throw new BenchException("no " + field + " in /proc/" + pid + "/status");
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      if (p.waitFor() == 0) {
        return Long.parseLong(out);
      }
    } catch (IOException | RuntimeException e) {
      // the usual value below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
