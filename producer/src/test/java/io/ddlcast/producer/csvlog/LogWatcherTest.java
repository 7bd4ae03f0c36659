package io.ddlcast.producer.csvlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogWatcherTest {
  @TempDir
  Path dir;

  @Test
  void wakesWhenTheLogIsWrittenAndOtherwiseWaitsTheWholeInterval() throws Exception {
    Path log = Files.writeString(dir.resolve("postgresql-1.csv"), "");
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    try (LogWatcher watcher = new LogWatcher(LogSource.ofLogDir(dir))) {
      long quiet = System.nanoTime();
      watcher.await(Duration.ofMillis(300));
      assertThat(Duration.ofNanos(System.nanoTime() - quiet)).isGreaterThanOrEqualTo(Duration.ofMillis(290));

      writer.schedule(() -> Files.writeString(log, "a record\n", StandardOpenOption.APPEND), 200,
          TimeUnit.MILLISECONDS);
      long woken = System.nanoTime();
      watcher.await(Duration.ofSeconds(30));
      assertThat(Duration.ofNanos(System.nanoTime() - woken)).isLessThan(Duration.ofSeconds(10));
    } finally {
      writer.shutdownNow();
    }
  }

  @Test
  void aDirectoryThatDoesNotExistYetIsPolled() throws Exception {
    try (LogWatcher watcher = new LogWatcher(LogSource.ofLogDir(dir.resolve("not-yet")))) {
      long start = System.nanoTime();
      watcher.await(Duration.ofMillis(100));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(90));
    }
  }
}
