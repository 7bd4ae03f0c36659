package io.ddlcast.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes what the servers wrote. Best effort: a leftover file must not fail a test that already passed. */
final class Directories {

  private static final Logger LOG = LoggerFactory.getLogger(Directories.class);

  private Directories() {
  }

  /** Deletes {@code path} (a file or a directory tree); logs a warning if something could not be deleted. */
  static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
      for (Path each : deepestFirst) {
        Files.deleteIfExists(each);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete {} completely: {}", path, e.getMessage());
    }
  }
}
