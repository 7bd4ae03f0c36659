package io.ddlcast.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child JVM running a jar, for tests that must treat a component as a real process: kill it with SIGKILL in the
 * middle of its work, restart it, read what it printed. Its stdout and stderr go, merged, to an output file that is
 * appended to, so the same file can collect several runs of one component; {@link #output()} and
 * {@link #awaitOutput} only look at what this run wrote.
 */
public final class JavaProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JavaProcess.class);
  private static final int TAIL_LINES = 50;

  private final Process process;
  private final List<String> command;
  private final Path outputFile;
  private final long outputStart;

  private JavaProcess(Process process, List<String> command, Path outputFile, long outputStart) {
    this.process = process;
    this.command = command;
    this.outputFile = outputFile;
    this.outputStart = outputStart;
  }

  /**
   * Starts {@code java <jvmArgs> -jar <jar> <args>} with the same Java as this JVM, with {@code env} added to this
   * JVM's environment, stdout and stderr appended to {@code outputFile}.
   */
  public static JavaProcess startJar(Path jar, List<String> jvmArgs, List<String> args, Map<String, String> env,
                     Path outputFile) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    try {
      Path parent = outputFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      long start = Files.exists(outputFile) ? Files.size(outputFile) : 0;
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().putAll(env);
      Process process = builder.start();
      LOG.info("started pid {}: {} (output {})", process.pid(), String.join(" ", command), outputFile);
      return new JavaProcess(process, List.copyOf(command), outputFile, start);
    } catch (IOException e) {
      throw new TestkitException("could not start " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
  }

  /** What this process has written to its output file so far. */
  public String output() {
    if (!Files.exists(outputFile)) {
      return "";
    }
    try (InputStream in = Files.newInputStream(outputFile)) {
      in.skipNBytes(outputStart);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TestkitException("could not read the output file " + outputFile, e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public int pid() {
    return Math.toIntExact(process.pid());
  }

  /** The command line this process was started with. */
  public List<String> command() {
    return command;
  }

  /** Asks the process to shut down (SIGTERM); does not wait. */
  public void sigterm() {
    process.destroy();
  }

  /** Kills the process (SIGKILL) and waits until it is gone. */
  public void sigkill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted while waiting for pid " + pid() + " to die", e);
    }
  }

  /** Waits for the process to exit and returns its exit code; throws {@link AssertionError} on timeout. */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("pid " + pid() + " did not exit within " + Await.format(timeout)
            + "; last lines of its output:\n" + lastLines());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted while waiting for pid " + pid(), e);
    }
  }

  /**
   * Waits until this process's output contains {@code substring}. Throws {@link AssertionError} with the last
   * lines of output on timeout, or at once if the process exits without having printed it.
   */
  public void awaitOutput(String substring, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!output().contains(substring)) {
      if (!process.isAlive() && !output().contains(substring)) {
        throw new AssertionError("pid " + pid() + " exited with " + process.exitValue() + " without printing \""
            + substring + "\"; last lines of its output:\n" + lastLines());
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("timed out after " + Await.format(timeout) + " waiting for pid " + pid()
            + " to print \"" + substring + "\"; last lines of its output:\n" + lastLines());
      }
      Await.sleep(100);
    }
  }

  /** Kills the process if it is still alive. */
  @Override
  public void close() {
    if (process.isAlive()) {
      sigkill();
    }
  }

  @Override
  public String toString() {
    return "JavaProcess[pid " + process.pid() + " " + String.join(" ", command) + "]";
  }

  private String lastLines() {
    List<String> lines = output().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command()
        .filter(path -> Files.isExecutable(Path.of(path)))
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
