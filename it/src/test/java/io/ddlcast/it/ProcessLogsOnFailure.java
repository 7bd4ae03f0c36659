package io.ddlcast.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * When an integration test fails, adds the last lines that ddlcast's processes wrote during the test to the
 * failure message. CI keeps the test summary, not {@code it/target/it-logs}: without this a failure there says
 * that something went wrong and never what the producer or an applier was doing. Registered for every test by
 * JUnit's extension autodetection ({@code junit-platform.properties}).
 */
public final class ProcessLogsOnFailure implements BeforeTestExecutionCallback, TestExecutionExceptionHandler {
  static final Path LOGS = Pipeline.ROOT.resolve("it/target/it-logs");
  private static final int LINES_PER_FILE = 40;
  private static final int MAX_LINE = 400;
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ProcessLogsOnFailure.class);

  @Override
  public void beforeTestExecution(ExtensionContext context) {
    context.getStore(NS).put("started", FileTime.fromMillis(System.currentTimeMillis() - 1000));
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    FileTime started = context.getStore(NS).get("started", FileTime.class);
    String tails;
    try {
      tails = tails(started, context.getRequiredTestClass().getSimpleName());
    } catch (IOException | UncheckedIOException e) {
      failure.addSuppressed(e);
      throw failure;
    }
    if (tails.isEmpty()) {
      throw failure;
    }
    AssertionError withLogs = new AssertionError(failure.getMessage() + "\n" + tails, failure);
    withLogs.setStackTrace(failure.getStackTrace());
    throw withLogs;
  }

  /**
   * The last lines of each log of test class {@code owner} ({@code it-logs/<owner>*}) written since {@code since},
   * each under its path, the producer's first; empty if none. Two IT classes run at a time: the other one's logs
   * would only push these out of a CI summary.
   */
  static String tails(FileTime since, String owner) throws IOException {
    if (!Files.isDirectory(LOGS)) {
      return "";
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(LOGS)) {
      files = walk.filter(Files::isRegularFile).filter(p -> modifiedSince(p, since))
          .filter(p -> LOGS.relativize(p).getName(0).toString().startsWith(owner))
          .sorted(Comparator.comparing((Path p) -> !p.getFileName().toString().startsWith("producer"))
              .thenComparing(Comparator.naturalOrder()))
          .toList();
    }
    StringBuilder out = new StringBuilder();
    for (Path file : files) {
      List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
      List<String> last = new ArrayList<>(lines.subList(Math.max(0, lines.size() - LINES_PER_FILE), lines.size()));
      out.append("--- last ").append(last.size()).append(" of ").append(lines.size()).append(" lines of ")
          .append(LOGS.relativize(file)).append(" ---\n");
      for (String line : last) {
        out.append(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + " ..." : line).append('\n');
      }
    }
    return out.toString();
  }

  private static boolean modifiedSince(Path file, FileTime since) {
    try {
      return since == null || Files.getLastModifiedTime(file).compareTo(since) >= 0;
    } catch (IOException e) {
      return false;
    }
  }
}
