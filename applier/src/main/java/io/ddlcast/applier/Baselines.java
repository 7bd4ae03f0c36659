package io.ddlcast.applier;

import io.ddlcast.common.catalog.CatalogObject;
import io.ddlcast.common.catalog.SchemaCatalog;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.generation.Promotion;
import io.ddlcast.common.kafka.KafkaAccess;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The schema at a generation's switch point, as its promoted standby listed it ({@link SchemaCatalog}): one record
 * per database ({@code baseline/N/<database>}) and one for the cluster's globals ({@code baseline/N}) on the
 * generations topic. {@code ddlcast rejoin} compares an old primary with it: what the old primary has beyond it
 * is what it committed and never published.
 */
final class Baselines {
  /** The key of the globals in {@link #read}'s map. */
  static final String GLOBALS = "";

  private Baselines() {}

  static void write(KafkaAccess kafka, String topic, int generation, String database, Connection c)
      throws SQLException {
    List<CatalogObject> listing = database == null ? SchemaCatalog.globals(c) : SchemaCatalog.database(c);
    GenerationLog.write(kafka, topic, Promotion.baselineKey(generation, database), SchemaCatalog.encode(listing));
  }

  /** The baselines of {@code generation}: by database, the globals under {@link #GLOBALS}. */
  static Map<String, List<CatalogObject>> read(Map<String, byte[]> generationsTopic, int generation) {
    Map<String, List<CatalogObject>> out = new TreeMap<>();
    String globals = Promotion.baselineKey(generation, null);
    String prefix = globals + "/";
    generationsTopic.forEach((key, value) -> {
      if (key.equals(globals)) {
        out.put(GLOBALS, SchemaCatalog.decode(value));
      } else if (key.startsWith(prefix)) {
        out.put(key.substring(prefix.length()), SchemaCatalog.decode(value));
      }
    });
    return out;
  }
}
