package io.ddlcast.producer;

import io.ddlcast.common.cli.CommonOptions;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.producer.primary.HelperInstaller;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ddlcast-producer install}: puts ddlcast's helper (an event trigger) into every database of the primary. */
@Command(name = "install", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Install what the producer needs on the primary: ddlcast's event trigger (schema ddlcast), in every database "
            + "that accepts connections, template1 included so that new databases inherit it. Idempotent: databases "
            + "whose helper is current are left alone. Needs a superuser. A schema ddlcast (or its function) that "
            + "another role owns is refused, with the fix, and the command exits 3.",
        "Settings the primary needs are not changed here: 'check' lists them with the SQL that sets them."})
final class InstallCommand implements Callable<Integer> {
  @Option(names = "--primary-url", paramLabel = "JDBC_URL", description = "The primary (a superuser).")
  String primaryUrl;

  @Option(names = "--print-sql", description = "Print the helper's SQL instead of installing it.")
  boolean printSql;

  @Mixin
  CommonOptions common;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (printSql) {
      spec.commandLine().getOut().print(HelperInstaller.sql());
      spec.commandLine().getOut().flush();
      return ExitCode.OK.code();
    }
    PgUrl primary = PrimaryUrlOption.parse(primaryUrl);
    HelperInstaller installer = new HelperInstaller(primary);
    try {
      List<String> databases = installer.databases();
      int changed = 0;
      List<String> refused = new ArrayList<>();
      for (String database : databases) {
        boolean did;
        try {
          did = installer.install(database);
        } catch (HelperInstaller.RefusedException e) {
          refused.add(database);
          spec.commandLine().getOut().printf("%-30s refused: %s; fix %s%n", database, e.problem(),
              HelperInstaller.fixFor(database));
          continue;
        }
        changed += did ? 1 : 0;
        spec.commandLine().getOut().printf("%-30s %s%n", database, did ? "installed" : "already current");
      }
      spec.commandLine().getOut().printf("%s: helper version %d in %d database(s), %d changed%s%n",
          primary, HelperInstaller.VERSION, databases.size() - refused.size(), changed,
          refused.isEmpty() ? "" : ", refused in " + String.join(", ", refused));
      spec.commandLine().getOut().flush();
      return refused.isEmpty() ? ExitCode.OK.code() : ExitCode.FAILED.code();
    } catch (SQLException e) {
      throw new DdlcastException(ExitCode.FAILED, "cannot install the helper on " + primary + ": SQLSTATE "
          + e.getSQLState() + ": " + e.getMessage()
          + ("42501".equals(e.getSQLState()) ? " (installing it needs a superuser)" : ""), e);
    }
  }
}
