package io.ddlcast.producer.primary;

import io.ddlcast.common.error.Backoff;
import io.ddlcast.common.error.DdlcastException;
import io.ddlcast.common.error.ErrorClassifier;
import io.ddlcast.common.error.ErrorKind;
import io.ddlcast.common.error.ExitCode;
import io.ddlcast.common.error.Retry;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the producer settles with the primary before it reads a record: that the primary logs DDL as ddlcast reads
 * it ({@link PrimarySettings}), and the name of the source (the primary's system identifier unless given).
 */
public final class PrimaryStartup {
  private static final Logger LOG = LoggerFactory.getLogger(PrimaryStartup.class);

  private PrimaryStartup() {}

  /**
   * Waits for the primary (retrying while it is unreachable), then refuses to run when a setting the producer
   * cannot do without is wrong, naming the SQL that fixes each; warns about the others. False if stopped first.
   */
  public static boolean awaitLogging(PrimaryClient primary, BooleanSupplier running, Runnable onRetriableError) {
    return Retry.until(running, Backoff.startup(), () -> judge(primary), (e, wait) -> {
      if (!(e instanceof SQLException sql)) {
        throw Retry.unchecked(e); // the refusal above, or a bug: not retried
      }
      if (ErrorClassifier.classifySql(sql) == ErrorKind.PERMANENT) {
        throw new DdlcastException(ExitCode.FAILED, "the primary " + primary.describe() + " refused ddlcast: "
            + e.getMessage(), e);
      }
      onRetriableError.run();
      LOG.warn("the primary {} is unreachable ({}); retrying in {} s", primary.describe(), e.getMessage(),
          wait.toMillis() / 1000.0);
    }).isPresent();
  }

  private static Boolean judge(PrimaryClient primary) throws SQLException {
    List<String> fatal = new ArrayList<>();
    for (PrimarySettings.Finding f : PrimarySettings.judge(primary.settings(PrimarySettings.names()))) {
      if (f.ok()) {
        continue;
      }
      if (f.rule().essential()) {
        fatal.add(f.fixSql() + "  -- now '" + f.current() + "': " + f.rule().why());
      } else {
        LOG.warn("the primary has {} = '{}', ddlcast needs {}: {}. Fix: {}", f.rule().name(), f.current(),
            f.rule().required(), f.rule().why(), f.fixSql());
      }
    }
    if (!fatal.isEmpty()) {
      throw new DdlcastException(ExitCode.FAILED, "the primary " + primary.describe()
          + " does not log DDL as ddlcast reads it; run on it:\n  " + String.join("\n  ", fatal)
          + "\n  SELECT pg_reload_conf();");
    }
    return Boolean.TRUE;
  }

  /**
   * The source's name: {@code given} (--source), else the system identifier read from the data directory's
   * pg_control, else asked of the primary ({@code primary} null when there is none).
   */
  public static String source(String given, Path pgdata, PrimaryClient primary) {
    if (given != null) {
      return given;
    }
    if (pgdata != null) {
      try {
        return SourceIdentity.fromPgControl(pgdata);
      } catch (IOException e) {
        if (primary == null) {
          throw new DdlcastException(ExitCode.FAILED, "cannot read the system identifier from " + pgdata
              + "/global/pg_control (" + e.getMessage() + "); give --source or --primary-url", e);
        }
      }
    }
    try {
      return primary.systemIdentifier();
    } catch (SQLException e) {
      throw new DdlcastException(ExitCode.FAILED, "cannot read the primary's system identifier ("
          + e.getMessage() + "); give --source", e);
    }
  }
}
