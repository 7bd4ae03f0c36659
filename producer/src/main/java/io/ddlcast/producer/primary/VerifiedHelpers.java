package io.ddlcast.producer.primary;

import io.ddlcast.producer.capture.HelperTrust;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases the producer has seen DDL of: per database, whether {@code ddlcast.log_ddl()} and its schema
 * belong to a superuser ({@link HelperInstaller#inspect}), and whether the database is UTF8. The loop asks for a
 * fresh verdict before a record that may carry DDL is read ({@link #refresh}); a verdict is kept {@link #TTL}, so that
 * a helper removed and replaced by another role's is distrusted soon after, without a query per DDL.
 */
public final class VerifiedHelpers implements HelperTrust {
  static final Duration TTL = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(VerifiedHelpers.class);

  private record Verdict(boolean trusted, boolean utf8, long checkedNanos) {}

  private final HelperInstaller helpers;
  private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();

  public VerifiedHelpers(HelperInstaller helpers) {
    this.helpers = helpers;
  }

  @Override
  public boolean trusts(String database) {
    Verdict verdict = verdicts.get(database);
    return verdict != null && verdict.trusted();
  }

  @Override
  public boolean utf8(String database) {
    Verdict verdict = verdicts.get(database);
    return verdict == null || verdict.utf8();
  }

  /** Verifies the database's helper unless a verdict younger than the TTL is known. */
  public void refresh(String database) {
    Verdict known = verdicts.get(database);
    long now = System.nanoTime();
    if (known != null && now - known.checkedNanos() < TTL.toNanos()) {
      return;
    }
    try {
      HelperInstaller.Inspection inspection = helpers.inspect(database);
      if (!inspection.trusted() && (known == null || known.trusted())) {
        LOG.warn("records of ddlcast's helper in database {} are not believed: {}", database,
            inspection.problem() == null ? "no helper installed there" : inspection.problem()
                + "; fix: " + HelperInstaller.fixFor(database));
      }
      boolean utf8 = "UTF8".equals(inspection.encoding());
      if (!utf8 && (known == null || known.utf8())) {
        LOG.warn("database {} has encoding {}: DDL there with characters beyond ASCII is not replicated (ddlcast "
            + "reads the log as UTF-8)", database, inspection.encoding());
      }
      verdicts.put(database, new Verdict(inspection.trusted(), utf8, now));
    } catch (SQLException e) {
      LOG.warn("cannot verify ddlcast's helper in database {} ({}); its records are {} until it can be",
          database, e.getMessage(), known != null && known.trusted() ? "still believed" : "not believed");
    }
  }

  /** After installing the helper in a new database: verify it at the next record. */
  public void forget(String database) {
    verdicts.remove(database);
  }
}
