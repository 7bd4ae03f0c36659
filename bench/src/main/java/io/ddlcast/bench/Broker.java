package io.ddlcast.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The run's Kafka broker as its own process ({@link BrokerMain}, the testkit's embedded KRaft broker), not inside
 * the bench's JVM: so that it can be pinned where a broker runs ({@link Placement#OTHER_HOSTS}) and its memory and
 * CPU are its own ({@link Footprint}: {@code VmHWM}, GC log, {@code utime + stime}).
 */
final class Broker implements AutoCloseable {
  private final Process process;
  private final String bootstrapServers;
  private final Path gcLog;

  private Broker(Process process, String bootstrapServers, Path gcLog) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
    this.gcLog = gcLog;
  }

  /** Starts the broker, pinned to {@link Placement#OTHER_HOSTS}; returns once it serves. */
  static Broker start(Path logs) {
    Path output = logs.resolve("broker.log");
    Path gcLog = logs.resolve("broker.gc.log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx1g", Footprint.gcLogOption(gcLog), "-cp", System.getProperty("java.class.path"),
        BrokerMain.class.getName()));
    try {
      Process process = new ProcessBuilder(Placement.pinned(Placement.OTHER_HOSTS, command))
          .redirectErrorStream(true).redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline) {
        String text = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        int at = text.indexOf(BrokerMain.READY);
        if (at >= 0 && text.indexOf('\n', at) > 0) {
          String address = text.substring(at + BrokerMain.READY.length(), text.indexOf('\n', at)).strip();
          return new Broker(process, address, gcLog);
        }
        if (!process.isAlive()) {
          throw new BenchException("the broker exited with " + process.exitValue() + ":\n" + PgTools.tail(text));
        }
        Thread.sleep(100);
      }
      process.destroyForcibly();
      throw new BenchException("the broker did not start within 120 s; see " + output);
    } catch (IOException e) {
      throw new BenchException("could not start the broker: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while starting the broker", e);
    }
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  long pid() {
    return process.pid();
  }

  Path gcLog() {
    return gcLog;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
