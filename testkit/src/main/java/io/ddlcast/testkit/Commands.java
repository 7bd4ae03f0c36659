package io.ddlcast.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs external programs (initdb, pg_ctl, pg_dump) and, when the JVM runs as root, runs server programs as the
 * OS user {@code postgres}, because PostgreSQL refuses to run as root. Every failure names the full command line,
 * the exit code and the program's output, so a broken environment is diagnosable from the test report alone.
 * Inherited {@code PG*} environment variables (PGHOST, PGPORT, PGOPTIONS, ...) are removed so that a developer's
 * shell settings cannot redirect or alter these commands.
 */
final class Commands {

  /** The OS user that owns and runs clusters when the JVM is root. */
  static final String POSTGRES_OS_USER = "postgres";

  private Commands() {
  }

  /** What a finished command printed. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {

    String describe() {
      return "command " + String.join(" ", command) + " exited with " + exitCode
          + section("stdout", stdout) + section("stderr", stderr);
    }

    private static String section(String name, String text) {
      return text.isBlank() ? "" : "\n--- " + name + " ---\n" + text.strip();
    }
  }

  static boolean runningAsRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** The command line that runs {@code program} as the cluster owner: via runuser when root, directly otherwise. */
  static List<String> asClusterOwner(List<String> program) {
    if (!runningAsRoot()) {
      return program;
    }
    List<String> command = new ArrayList<>(List.of("runuser", "-u", POSTGRES_OS_USER, "--"));
    command.addAll(program);
    return command;
  }

  /** Runs the command and throws {@link TestkitException} with its output unless it exits with 0. */
  static Result runChecked(List<String> command, Path workDir, Map<String, String> env, Duration timeout) {
    Result result = run(command, workDir, env, timeout);
    if (result.exitCode() != 0) {
      throw new TestkitException(result.describe());
    }
    return result;
  }

  static Result run(List<String> command, Path workDir, Map<String, String> env, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (workDir != null) {
      builder.directory(workDir.toFile());
    }
    builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
    builder.environment().putAll(env);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new TestkitException("could not start command " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
    CompletableFuture<String> stdout = readAsync(process.getInputStream());
    CompletableFuture<String> stderr = readAsync(process.getErrorStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new TestkitException("command " + String.join(" ", command) + " did not finish within "
            + Await.format(timeout));
      }
      return new Result(List.copyOf(command), process.exitValue(), stdout.get(), stderr.get());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted while running " + String.join(" ", command), e);
    } catch (ExecutionException e) {
      throw new TestkitException("could not read the output of " + String.join(" ", command), e.getCause());
    }
  }

  private static CompletableFuture<String> readAsync(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, runnable -> {
      Thread thread = new Thread(runnable, "ddlcast-command-output");
      thread.setDaemon(true);
      thread.start();
    });
  }
}
