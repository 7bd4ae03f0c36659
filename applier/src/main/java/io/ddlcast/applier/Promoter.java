package io.ddlcast.applier;

import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.generation.Promotion;
import io.ddlcast.common.jdbc.PgUrl;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.status.StatusJson;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last act of a promoted standby's applier: once it applied everything before its generation's start, it says
 * so on the generations topic ({@link Promotion}) with what the new primary's producer needs: the source name (the
 * standby's system identifier) and the standby's clock at that moment (the producer publishes what its log holds
 * from then on). Before that it records the schema of every database and the cluster's globals as they are at the
 * switch point ({@code baseline/N/...}), for {@code ddlcast rejoin} to compare the old primary with.
 */
final class Promoter {
  private static final Logger LOG = LoggerFactory.getLogger(Promoter.class);

  private Promoter() {}

  static Promotion promote(KafkaAccess kafka, String topic, Generation generation, String standbyName, PgUrl standby)
      throws SQLException {
    String source;
    Instant stoppedAt;
    List<String> databases = new ArrayList<>();
    try (Connection c = standby.connect("ddlcast-applier " + standbyName, null);
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT system_identifier::text, clock_timestamp() "
          + "FROM pg_catalog.pg_control_system()")) {
        rs.next();
        source = rs.getString(1);
        stoppedAt = rs.getTimestamp(2).toInstant();
      }
      try (ResultSet rs = st.executeQuery("SELECT datname FROM pg_catalog.pg_database "
          + "WHERE datallowconn AND NOT datistemplate ORDER BY datname")) {
        while (rs.next()) {
          databases.add(rs.getString(1));
        }
      }
      Baselines.write(kafka, topic, generation.generation(), null, c);
    }
    for (String database : databases) {
      try (Connection c = standby.withDatabase(database).connect("ddlcast-applier " + standbyName, null)) {
        Baselines.write(kafka, topic, generation.generation(), database, c);
      }
    }
    Promotion promotion = new Promotion(generation.generation(), standbyName, source, stoppedAt, databases);
    GenerationLog.write(kafka, topic, promotion.key(), StatusJson.encode(promotion));
    LOG.info("standby {} is the source of {} now, as source {}: everything before the generation's start is "
        + "applied here and this applier applies nothing more. Start the producer on this standby's host (ddlcast "
        + "producer run, with the primary's options, pointed at this standby): it publishes the DDL logged here from "
        + "{} on", standbyName, generation.describe(), source, stoppedAt);
    return promotion;
  }
}
