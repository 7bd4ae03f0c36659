package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.clusterWide;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LaneTest {
  @Test
  void aClusterWideEventGoesToTheClusterLaneWhateverItsKey() {
    assertThat(Lane.of(clusterWide("shop", 1, "CREATE DATABASE", "CREATE DATABASE shop"), "shop"))
        .isEqualTo(Lane.CLUSTER);
    assertThat(Lane.of(clusterWide("shop", 1, "CREATE ROLE", "CREATE ROLE r"), null)).isEqualTo(Lane.CLUSTER);
  }

  @Test
  void anyOtherRecordGoesToTheLaneOfItsKey() {
    assertThat(Lane.of(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE t ()"), "app"))
        .isEqualTo(Lane.database("app"));
    assertThat(Lane.of(inDatabase("app", 1, "CREATE TABLE", "CREATE TABLE t ()"), null)).isEqualTo(Lane.NO_KEY);
    assertThat(Lane.of(null, "app")).isEqualTo(Lane.database("app")); // not an event: its key's lane stops on it
    assertThat(Lane.of(null, null)).isEqualTo(Lane.NO_KEY);
    assertThat(Lane.NO_KEY.name()).isEqualTo("(no key)");
  }

  @Test
  void theClusterLaneIsSpelledAsTheCurrentReleaseSpellsIt() {
    assertThat(Lane.CLUSTER.metadataKey()).isEqualTo("\u0000cluster");
    assertThat(Lane.CLUSTER.name()).isEqualTo("(cluster)");
    assertThat(Lane.ofMetadataKey("\u0000cluster")).isEqualTo(Lane.CLUSTER);
    assertThat(Lane.named("(cluster)")).isEqualTo(Lane.CLUSTER);
  }

  @Test
  void eachLaneRoundTripsThroughEachSpelling() {
    for (Lane lane : new Lane[] {Lane.CLUSTER, Lane.NO_KEY, Lane.database("app"), Lane.database("Grüße \"x\"")}) {
      assertThat(Lane.ofMetadataKey(lane.metadataKey())).isEqualTo(lane);
      assertThat(Lane.named(lane.name())).isEqualTo(lane);
    }
    assertThat(Lane.database("app").metadataKey()).isEqualTo("app");
    assertThat(Lane.database("app").name()).isEqualTo("app");
  }

  @Test
  void theSpellingsDoNotCross() {
    // a metadata key "(cluster)" was a database of that name for the current release, and stays one
    assertThat(Lane.ofMetadataKey("(cluster)")).isEqualTo(Lane.database("(cluster)"));
    assertThat(Lane.ofMetadataKey("(cluster)").isCluster()).isFalse();
    assertThat(Lane.CLUSTER.isCluster()).isTrue();
  }

  @Test
  void messagesSayWhichStream() {
    assertThat(Lane.CLUSTER.describe()).isEqualTo("cluster-wide statements (roles, databases, tablespaces)");
    assertThat(Lane.database("app").describe()).isEqualTo("database app");
  }
}
