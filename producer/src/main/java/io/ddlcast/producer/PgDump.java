package io.ddlcast.producer;

import io.ddlcast.common.jdbc.PgUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * PostgreSQL's own dump tools, run against the primary for a snapshot: {@code pg_dumpall --globals-only} for the
 * roles, memberships, role settings and tablespaces, and, per database, {@code pg_dump --schema-only --create} with
 * ddlcast's own objects left out. pg_dump has an option for a schema ({@code --exclude-schema=ddlcast}) but none for
 * event triggers, so each database goes through pg_dump's archive format: its table of contents
 * ({@code pg_restore --list}) loses the helper's event triggers ({@code ddlcast_*}), and {@code pg_restore
 * --use-list} writes the plain script of the rest, exactly what pg_dump would have written for it.
 */
final class PgDump {
  private static final long TIMEOUT_MINUTES = 60;

  private final Path bin;
  private final PgUrl primary;

  /** {@code bin}: the directory of pg_dump, pg_dumpall and pg_restore, of the primary's version or newer. */
  PgDump(Path bin, PgUrl primary) {
    this.bin = bin;
    this.primary = primary;
  }

  /** The globals script; without role passwords when {@code withPasswords} is false. */
  String globals(boolean withPasswords) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(tool("pg_dumpall"), "--globals-only",
        "-d", primary.libpqConnection(primary.database())));
    if (!withPasswords) {
      args.add("--no-role-passwords");
    }
    return run(args);
  }

  /** One database's schema script, {@code CREATE DATABASE} and {@code \connect} included, ddlcast's objects out. */
  String database(String database, Path workDir) throws IOException, InterruptedException {
    Path archive = Files.createTempFile(workDir, "ddlcast-snapshot-", ".dump");
    Path list = Files.createTempFile(workDir, "ddlcast-snapshot-", ".list");
    try {
      run(List.of(tool("pg_dump"), "--schema-only", "--create", "--format=custom", "--exclude-schema=ddlcast",
          "--file", archive.toString(), "-d", primary.libpqConnection(database)));
      String toc = run(List.of(tool("pg_restore"), "--list", archive.toString()));
      Files.writeString(list, withoutHelper(toc));
      return run(List.of(tool("pg_restore"), "--create", "--use-list", list.toString(), "--file", "-",
          archive.toString()));
    } finally {
      Files.deleteIfExists(archive);
      Files.deleteIfExists(list);
    }
  }

  /**
   * A table of contents without the helper's event triggers: lines such as
   * {@code 3466; 3466 16390 EVENT TRIGGER - ddlcast_sql_drop postgres}.
   */
  static String withoutHelper(String toc) {
    return toc.lines()
        .filter(l -> !l.matches("\\d+; \\d+ \\d+ EVENT TRIGGER - ddlcast_\\S+ .*"))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  private String tool(String name) {
    return bin == null ? name : bin.resolve(name).toString();
  }

  private static String run(List<String> args) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(args);
    builder.environment().put("PGCLIENTENCODING", "UTF8");
    builder.environment().put("PGCONNECT_TIMEOUT", "30");
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Path err = Files.createTempFile("ddlcast-pgdump-", ".err");
    try {
      builder.redirectError(err.toFile());
      Process process = builder.start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IOException(Path.of(args.get(0)).getFileName() + " did not finish in " + TIMEOUT_MINUTES + " min");
      }
      if (process.exitValue() != 0) {
        throw new IOException(Path.of(args.get(0)).getFileName() + " exited with " + process.exitValue() + ": "
            + Files.readString(err).strip());
      }
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
