package io.ddlcast.bench;

import io.ddlcast.testkit.PostgresServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL client programs the benchmark compares ddlcast with ({@code psql -f}, {@code pg_dump | psql}) and
 * uses to load the primary ({@code pgbench}), found as the testkit finds the server binaries: {@code DDLCAST_PG_BIN},
 * {@code pg_config --bindir}, or the newest {@code /usr/lib/postgresql/<version>/bin}. Clients connect over TCP as
 * the superuser {@code postgres} (trust authentication), as the testkit's own psql does; inherited {@code PG*}
 * variables are removed.
 */
final class PgTools {
  private static Path binDir;

  private PgTools() {}

  /** What a client program printed and how long it ran. */
  record Run(int exitCode, String output, long nanos) {
    double seconds() {
      return nanos / 1e9;
    }
  }

  static synchronized Path binDir() {
    if (binDir == null) {
      binDir = findBinDir();
    }
    return binDir;
  }

  static String program(String name) {
    return binDir().resolve(name).toString();
  }

  /** {@code psql -X -q -v ON_ERROR_STOP=1 -f script} on {@code database}; its wall time is the measurement. */
  static Run psqlFile(PostgresServer server, String database, Path script) {
    return run(client(List.of(program("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
        "--dbname=" + conninfo(server, database), "-f", script.toString())), Map.of(), 3600);
  }

  /** {@code psql -c sql}, stopping at the first error. */
  static Run psqlCommand(PostgresServer server, String database, String sql) {
    return run(client(List.of(program("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
        "--dbname=" + conninfo(server, database), "-c", sql)), Map.of(), 600);
  }

  /**
   * {@code pg_dump --schema-only --exclude-schema=ddlcast SOURCE/db | psql TARGET/db} through a shell pipe. The
   * target database must exist. psql goes on after errors, as a restore does: the only statements that fail are
   * the primary's event triggers on ddlcast's helper, which is not dumped.
   */
  static Run dumpRestore(PostgresServer source, PostgresServer target, String database) {
    String pipe = "set -o pipefail; " + quote(program("pg_dump")) + " --schema-only --exclude-schema=ddlcast "
        + quote("--dbname=" + conninfo(source, database)) + " | " + quote(program("psql")) + " -X -q "
        + quote("--dbname=" + conninfo(target, database)) + " >/dev/null";
    return run(client(List.of("bash", "-c", pipe)), Map.of(), 3600);
  }

  /** A client program's command line, pinned where the applications run ({@link Placement#OTHER_HOSTS}). */
  static List<String> client(List<String> command) {
    return Placement.pinned(Placement.OTHER_HOSTS, command);
  }

  static String conninfo(PostgresServer server, String database) {
    return "host=" + server.host() + " port=" + server.port() + " user=" + server.superuser() + " dbname=" + database;
  }

  /** Runs a command to its end (or the timeout), output merged, and times it from start to exit. */
  static Run run(List<String> command, Map<String, String> env, long timeoutSeconds) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
    builder.environment().putAll(env);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Path out = null;
    try {
      out = Files.createTempFile("ddlcast-bench-cmd-", ".out");
      builder.redirectOutput(out.toFile());
      long start = System.nanoTime();
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new BenchException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
      }
      long nanos = System.nanoTime() - start;
      String output = Files.readString(out, StandardCharsets.UTF_8);
      return new Run(process.exitValue(), output, nanos);
    } catch (IOException e) {
      throw new BenchException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while running " + String.join(" ", command), e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a temp file left behind
        }
      }
    }
  }

  /** Like {@link #run} but a non-zero exit is an error naming the command and its output. */
  static Run checked(Run run, String what) {
    if (run.exitCode() != 0) {
      throw new BenchException(what + " exited with " + run.exitCode() + ": " + tail(run.output()));
    }
    return run;
  }

  static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }

  static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  private static Path findBinDir() {
    String env = System.getenv("DDLCAST_PG_BIN");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env, "psql"))) {
      return Path.of(env);
    }
    try {
      Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String dir = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() == 0 && Files.isExecutable(Path.of(dir, "psql")) && Files.isExecutable(Path.of(dir, "pg_dump"))) {
        return Path.of(dir);
      }
    } catch (IOException e) {
      // no pg_config on PATH
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        List<Path> candidates = new ArrayList<>(versions.filter(v -> Files.isExecutable(v.resolve("bin/psql")))
            .toList());
        candidates.sort(Comparator.comparingInt(PgTools::version));
        if (!candidates.isEmpty()) {
          return candidates.get(candidates.size() - 1).resolve("bin");
        }
      } catch (IOException e) {
        throw new BenchException("cannot list " + debian + ": " + e.getMessage(), e);
      }
    }
    throw new BenchException("no PostgreSQL client binaries (psql, pg_dump): set DDLCAST_PG_BIN or install"
        + " postgresql");
  }

  private static int version(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString().replaceAll("\\..*", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
