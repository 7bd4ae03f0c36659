package io.ddlcast.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Facts about the machine a run was made on, for the report: CPU, memory, OS, Java, PostgreSQL. */
final class Machine {
  private Machine() {}

  static Map<String, String> facts() {
    Map<String, String> facts = new LinkedHashMap<>();
    List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
    String model = cpuinfo.stream().filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
    long processors = cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
    facts.put("CPU", model + ", " + processors + " logical CPUs (" + Runtime.getRuntime().availableProcessors()
        + " available to the JVM)");
    lines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:")).findFirst().ifPresent(l -> {
      long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
      facts.put("RAM", String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0));
    });
    String os = lines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
        .findFirst().map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", "")).orElse(
            System.getProperty("os.name"));
    facts.put("OS", os + ", kernel " + System.getProperty("os.version"));
    facts.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    PgTools.Run pg = PgTools.run(List.of(PgTools.program("postgres"), "--version"), Map.of(), 30);
    facts.put("PostgreSQL", pg.output().strip());
    lines(Path.of("/proc/loadavg")).stream().findFirst().ifPresent(l -> facts.put("Load at start",
        String.join(" ", Arrays.copyOf(l.split(" "), 3)) + " (1, 5, 15 min; a quiet machine is near 0)"));
    facts.put("Date", ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
    return facts;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }
}
