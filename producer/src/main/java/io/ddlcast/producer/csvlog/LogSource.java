package io.ddlcast.producer.csvlog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the primary's csvlog files are and which one PostgreSQL writes now.
 *
 * <p>Given the data directory, the active file is the {@code csvlog} line of {@code current_logfiles} (a path
 * relative to PGDATA unless {@code log_directory} is absolute), and the log directory is that file's directory.
 * Given only a log directory (the producer runs where it sees the files but not PGDATA, e.g. in a container), the
 * active file is the newest. Files are ordered by name: PostgreSQL's default {@code log_filename}
 * ({@code postgresql-%Y-%m-%d_%H%M%S}) sorts in time order, and the README requires a pattern that does.
 */
public final class LogSource {
  private final Path pgdata;
  private final Path fixedLogDir;

  private LogSource(Path pgdata, Path logDir) {
    this.pgdata = pgdata;
    this.fixedLogDir = logDir;
  }

  public static LogSource ofPgdata(Path pgdata) {
    return new LogSource(pgdata, null);
  }

  public static LogSource ofLogDir(Path logDir) {
    return new LogSource(null, logDir);
  }

  /** The log directory, or empty while it cannot be known yet (no current_logfiles: server down or no csvlog). */
  public Optional<Path> directory() throws IOException {
    if (fixedLogDir != null) {
      return Optional.of(fixedLogDir);
    }
    return activePath().map(Path::getParent);
  }

  /** File name of the csv file PostgreSQL writes now, if known. */
  public Optional<String> activeFile() throws IOException {
    if (fixedLogDir != null) {
      List<String> files = files();
      return files.isEmpty() ? Optional.empty() : Optional.of(files.get(files.size() - 1));
    }
    return activePath().map(p -> p.getFileName().toString());
  }

  /** The csv files of the log directory, oldest first. */
  public List<String> files() throws IOException {
    Optional<Path> dir = directory();
    List<String> names = new ArrayList<>();
    if (dir.isEmpty() || !Files.isDirectory(dir.get())) {
      return names;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir.get(), "*.csv")) {
      for (Path p : stream) {
        if (Files.isRegularFile(p)) {
          names.add(p.getFileName().toString());
        }
      }
    }
    names.sort(null);
    return names;
  }

  /**
   * Bytes of csvlog after a position: the rest of its file and every later file (all files for a null position). How
   * far a reader at that position is behind the primary.
   */
  public long bytesAfter(LogCursor cursor) throws IOException {
    long behind = 0;
    for (String file : files()) {
      int order = cursor == null ? 1 : file.compareTo(cursor.file());
      if (order < 0) {
        continue;
      }
      long size;
      try {
        size = Files.size(resolve(file));
      } catch (NoSuchFileException e) {
        continue; // removed between listing and sizing
      }
      behind += order == 0 ? Math.max(0, size - cursor.offset()) : size;
    }
    return behind;
  }

  /** {@link #bytesAfter} a reader at {@code cursor}; -1 when unknown (no cursor yet, the files cannot be listed). */
  public long behind(LogCursor cursor) {
    try {
      return cursor == null ? -1 : bytesAfter(cursor);
    } catch (IOException e) {
      return -1;
    }
  }

  public Path resolve(String fileName) throws IOException {
    return directory().orElseThrow(() -> new NoSuchFileException(describe())).resolve(fileName);
  }

  /** For messages: what the producer watches. */
  public String describe() {
    return fixedLogDir != null
        ? "log directory " + fixedLogDir
        : "csvlog named by " + pgdata.resolve("current_logfiles");
  }

  private Optional<Path> activePath() throws IOException {
    Path current = pgdata.resolve("current_logfiles");
    List<String> lines;
    try {
      lines = Files.readAllLines(current, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    for (String line : lines) {
      if (line.startsWith("csvlog ")) {
        Path file = Path.of(line.substring("csvlog ".length()).strip());
        return Optional.of(file.isAbsolute() ? file : pgdata.resolve(file));
      }
    }
    return Optional.empty();
  }
}
