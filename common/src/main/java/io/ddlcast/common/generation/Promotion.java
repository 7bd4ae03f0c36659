package io.ddlcast.common.generation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The promoted standby's word that it applied everything before its generation's start and applies nothing more:
 * written by its applier to {@code <topic>.generations}, key {@code promotion/N}. It names the source the new
 * primary's producer publishes as (the standby's system identifier, what a producer without {@code --source} calls
 * itself) and the standby's clock when it stopped applying: the new producer publishes the DDL logged from then on.
 *
 * <pre>{@code
 * {"generation":2,"standby":"standby2","source":"7443...","stoppedAt":"2026-12-02T02:10:03.120Z",
 *  "baselines":["app","postgres"]}
 * }</pre>
 *
 * <p>{@code baselines} names the databases whose schema at the switch point the applier recorded (key
 * {@code baseline/N/<database>}, and {@code baseline/N} for the cluster's globals): what {@code ddlcast rejoin}
 * compares an old primary with.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Promotion(int generation, String standby, String source, Instant stoppedAt,
    List<String> baselines) {
  public Promotion {
    Objects.requireNonNull(standby, "standby");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(stoppedAt, "stoppedAt");
    baselines = baselines == null ? List.of() : List.copyOf(baselines);
  }

  public String key() {
    return keyOf(generation);
  }

  public static String keyOf(int generation) {
    return "promotion/" + generation;
  }

  public static String baselineKey(int generation, String database) {
    return database == null ? "baseline/" + generation : "baseline/" + generation + "/" + database;
  }
}
