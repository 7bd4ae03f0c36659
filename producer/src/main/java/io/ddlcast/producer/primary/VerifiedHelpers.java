package io.ddlcast.producer.primary;

import io.ddlcast.producer.capture.HelperTrust;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases the producer has seen DDL of: per database, whether {@code ddlcast.log_ddl()} and its schema
 * belong to a superuser ({@link HelperInstaller#inspect}), and whether the database is UTF8. The loop asks for a
 * fresh verdict before a record that may carry DDL is read ({@link #refresh}); a verdict is kept {@link #TTL}, so that
 * a helper removed and replaced by another role's is distrusted soon after, without a query per DDL.
 *
 * <p>When the helper cannot be inspected (the primary is away), what was believed stays believed, and what was not
 * known stays not believed; the inspection is tried again every {@link #RETRY}, not at every record, and the failure
 * is reported once until an inspection succeeds. A database that no longer exists (SQLSTATE 3D000: DDL read after
 * its DROP DATABASE) has a verdict: not trusted.
 */
public final class VerifiedHelpers implements HelperTrust {
  static final Duration TTL = Duration.ofSeconds(30);
  static final Duration RETRY = Duration.ofSeconds(5);
  private static final String INVALID_CATALOG_NAME = "3D000";
  private static final Logger LOG = LoggerFactory.getLogger(VerifiedHelpers.class);

  /** How a database's helper is inspected: {@link HelperInstaller#inspect}. */
  @FunctionalInterface
  interface Inspector {
    HelperInstaller.Inspection inspect(String database) throws SQLException;
  }

  private record Verdict(boolean trusted, boolean utf8, long checkedNanos) {}

  private final Inspector helpers;
  private final LongSupplier nanos;
  private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
  /** When the last inspection of a database failed, while its failures last. */
  private final Map<String, Long> failedAt = new ConcurrentHashMap<>();

  public VerifiedHelpers(HelperInstaller helpers) {
    this(helpers::inspect, System::nanoTime);
  }

  VerifiedHelpers(Inspector helpers, LongSupplier nanos) {
    this.helpers = helpers;
    this.nanos = nanos;
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

  /**
   * Verifies the database's helper unless a verdict younger than the TTL is known, or the last attempt failed less
   * than {@link #RETRY} ago.
   */
  public void refresh(String database) {
    Verdict known = verdicts.get(database);
    long now = nanos.getAsLong();
    if (known != null && now - known.checkedNanos() < TTL.toNanos()) {
      return;
    }
    Long failed = failedAt.get(database);
    if (failed != null && now - failed < RETRY.toNanos()) {
      return;
    }
    HelperInstaller.Inspection inspection;
    try {
      inspection = helpers.inspect(database);
    } catch (SQLException e) {
      if (INVALID_CATALOG_NAME.equals(e.getSQLState())) {
        gone(database, known, now);
      } else {
        failed(database, known, now, e);
      }
      return;
    }
    if (failedAt.remove(database) != null) {
      LOG.info("ddlcast's helper in database {} can be verified again", database);
    }
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
  }

  private void failed(String database, Verdict known, long now, SQLException e) {
    String believed = known != null && known.trusted() ? "still believed" : "not believed";
    if (failedAt.put(database, now) == null) {
      LOG.warn("cannot verify ddlcast's helper in database {} ({}); its records are {} until it can be, tried "
          + "again every {} s", database, e.getMessage(), believed, RETRY.toSeconds());
    } else {
      LOG.debug("cannot verify ddlcast's helper in database {} yet ({})", database, e.getMessage());
    }
  }

  private void gone(String database, Verdict known, long now) {
    failedAt.remove(database);
    if (known == null || known.trusted()) {
      LOG.warn("database {} no longer exists on the primary: records of ddlcast's helper there are not believed",
          database);
    }
    verdicts.put(database, new Verdict(false, known == null || known.utf8(), now));
  }

  /** After installing the helper in a new database: verify it at the next record. */
  public void forget(String database) {
    verdicts.remove(database);
    failedAt.remove(database);
  }
}
