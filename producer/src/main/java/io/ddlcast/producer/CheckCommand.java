package io.ddlcast.producer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.event.EventCodec;
import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.producer.primary.HelperInstaller;
import io.ddlcast.producer.primary.PrimaryClient;
import io.ddlcast.producer.primary.PrimarySettings;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ddlcast-producer check}: is the primary ready for the producer? */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "List each setting the primary needs (name, current value, required value) and the state of ddlcast's helper "
            + "in each database. Exit 0 when ready, 1 otherwise, printing the SQL that fixes what is missing."})
final class CheckCommand implements Callable<Integer> {
  @Option(names = "--primary-url", paramLabel = "JDBC_URL", description = "The primary.")
  String primaryUrl;

  @Option(names = "--json", description = "One JSON document instead of tables.")
  boolean json;

  @Mixin
  CommonOptions common;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PgUrl primary = PrimaryUrlOption.parse(primaryUrl);
    List<PrimarySettings.Finding> findings;
    Map<String, HelperInstaller.Inspection> helper = new LinkedHashMap<>();
    try (PrimaryClient monitor = new PrimaryClient(primary)) {
      findings = PrimarySettings.judge(monitor.settings(PrimarySettings.names()));
      HelperInstaller installer = new HelperInstaller(primary);
      for (String database : installer.databases()) {
        helper.put(database, installer.inspect(database));
      }
    } catch (SQLException e) {
      throw new DdlcastException(ExitCode.FAILED, "cannot check the primary " + primary + ": SQLSTATE "
          + e.getSQLState() + ": " + e.getMessage(), e);
    }
    List<String> fix = new ArrayList<>();
    boolean restart = false;
    for (PrimarySettings.Finding f : findings) {
      if (!f.ok()) {
        fix.add(f.fixSql());
        restart |= f.rule().restart();
      }
    }
    if (!fix.isEmpty()) {
      fix.add("SELECT pg_reload_conf();" + (restart ? "  -- and restart the server for logging_collector" : ""));
    }
    helper.forEach((database, found) -> {
      if (found.state() == HelperInstaller.State.BROKEN) {
        fix.add("-- " + database + ": the helper there is not ddlcast's: " + found.problem() + ". Fix "
            + HelperInstaller.fixFor(database));
      }
    });
    boolean helperReady = helper.values().stream().allMatch(s -> s.state() == HelperInstaller.State.CURRENT);
    if (!helperReady) {
      fix.add("-- then install ddlcast's helper in every database (as a superuser):");
      fix.add("./ddlcast producer install --primary-url '" + primary.raw().replace("'", "'\\''") + "'");
    }
    boolean ready = fix.isEmpty();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      printJson(out, primary, findings, helper, fix, ready);
    } else {
      printTables(out, primary, findings, helper, fix, ready);
    }
    out.flush();
    return ready ? ExitCode.OK.code() : ExitCode.NOT_MET.code();
  }

  private static void printTables(PrintWriter out, PgUrl primary, List<PrimarySettings.Finding> findings,
      Map<String, HelperInstaller.Inspection> helper, List<String> fix, boolean ready) {
    out.printf("Primary %s%n%n", primary);
    out.printf("%-26s %-22s %-30s %s%n", "SETTING", "CURRENT", "REQUIRED", "");
    for (PrimarySettings.Finding f : findings) {
      out.printf("%-26s %-22s %-30s %s%n", f.rule().name(), f.current(), f.rule().required(),
          f.ok() ? "ok" : "NOT OK: " + f.rule().why());
    }
    out.printf("%n%-26s %s%n", "DATABASE", "DDLCAST HELPER (event trigger)");
    helper.forEach((db, found) -> out.printf("%-26s %s%n", db, found.state().name().toLowerCase(Locale.ROOT)
        + (found.problem() == null ? "" : ": " + found.problem())));
    out.println();
    if (ready) {
      out.println("Ready: the producer can follow this primary.");
    } else {
      out.println("Not ready. Fix with:");
      fix.forEach(line -> out.println("  " + line));
    }
  }

  private static void printJson(PrintWriter out, PgUrl primary, List<PrimarySettings.Finding> findings,
      Map<String, HelperInstaller.Inspection> helper, List<String> fix, boolean ready) {
    ObjectNode root = EventCodec.mapper().createObjectNode();
    root.put("primary", primary.toString());
    root.put("ready", ready);
    ArrayNode settings = root.putArray("settings");
    for (PrimarySettings.Finding f : findings) {
      ObjectNode s = settings.addObject();
      s.put("name", f.rule().name());
      s.put("current", f.current());
      s.put("required", f.rule().required());
      s.put("ok", f.ok());
    }
    ArrayNode databases = root.putArray("helper");
    helper.forEach((db, found) -> databases.addObject().put("database", db)
        .put("state", found.state().name().toLowerCase(Locale.ROOT)).put("problem", found.problem()));
    ArrayNode fixes = root.putArray("fix");
    fix.forEach(fixes::add);
    out.println(root.toString());
  }
}
