package io.ddlcast.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the PostgreSQL server binaries (initdb, pg_ctl, pg_dump, pg_dumpall) on this host: {@code DDLCAST_PG_BIN}
 * if set, else {@code pg_config --bindir} when that directory holds initdb, else the highest version under
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's layout). Found once per JVM.
 */
final class PgBinaries {

  static final String ENV_VARIABLE = "DDLCAST_PG_BIN";
  private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
  private static volatile Path located;
  private static volatile List<String> localeArguments;

  private PgBinaries() {
  }

  static Path binDir() {
    Path dir = located;
    if (dir == null) {
      synchronized (PgBinaries.class) {
        if (located == null) {
          located = locate();
        }
        dir = located;
      }
    }
    return dir;
  }

  static String program(String name) {
    return binDir().resolve(name).toString();
  }

  /** {@code --locale=C.UTF-8} where that locale exists, else {@code --no-locale} (C, still with UTF8 encoding). */
  static List<String> initdbLocaleArguments() {
    List<String> arguments = localeArguments;
    if (arguments == null) {
      Commands.Result locales;
      try {
        locales = Commands.run(List.of("locale", "-a"), null, Map.of(), Duration.ofSeconds(10));
      } catch (TestkitException e) {
        locales = null;
      }
      boolean cUtf8 = locales != null && locales.exitCode() == 0 && locales.stdout().lines()
          .anyMatch(line -> line.equalsIgnoreCase("c.utf8") || line.equalsIgnoreCase("c.utf-8"));
      arguments = cUtf8 ? List.of("--locale=C.UTF-8") : List.of("--no-locale");
      localeArguments = arguments;
    }
    return arguments;
  }


  private static Path locate() {
    List<String> searched = new ArrayList<>();
    String configured = System.getenv(ENV_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured);
      if (hasInitdb(dir)) {
        return dir;
      }
      throw new TestkitException(ENV_VARIABLE + "=" + configured + " does not contain an executable initdb");
    }
    searched.add(ENV_VARIABLE + " (not set)");
    Optional<Path> fromPgConfig = fromPgConfig(searched);
    if (fromPgConfig.isPresent()) {
      return fromPgConfig.get();
    }
    Optional<Path> debian = highestDebianVersion();
    if (debian.isPresent()) {
      return debian.get();
    }
    searched.add(DEBIAN_ROOT + "/*/bin (no initdb found)");
    throw new TestkitException("no PostgreSQL server binaries found; searched: " + String.join(", ", searched)
        + ". Install PostgreSQL (e.g. apt-get install -y postgresql) or set " + ENV_VARIABLE
        + " to the directory holding initdb and pg_ctl");
  }

  private static Optional<Path> fromPgConfig(List<String> searched) {
    try {
      Commands.Result result = Commands.run(List.of("pg_config", "--bindir"), null, Map.of(),
          Duration.ofSeconds(10));
      Path dir = Path.of(result.stdout().strip());
      if (result.exitCode() == 0 && hasInitdb(dir)) {
        return Optional.of(dir);
      }
      searched.add("pg_config --bindir (" + dir + " has no initdb)");
    } catch (TestkitException e) {
      searched.add("pg_config --bindir (pg_config not on PATH)");
    }
    return Optional.empty();
  }

  private static Optional<Path> highestDebianVersion() {
    if (!Files.isDirectory(DEBIAN_ROOT)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
      return versions.map(version -> version.resolve("bin"))
          .filter(PgBinaries::hasInitdb)
          .max(Comparator.comparing(bin -> versionKey(bin.getParent().getFileName().toString())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** "15" → 15_000, "9.6" → 9_006: numeric order, so 15 beats 9.6. */
  private static Integer versionKey(String version) {
    String[] parts = version.split("\\.");
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return major * 1000 + minor;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean hasInitdb(Path dir) {
    return Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"));
  }
}
