package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.TP;
import static io.ddlcast.applier.TestEvents.clusterWide;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static io.ddlcast.applier.TestEvents.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.event.DdlEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class WorkTest {
  @Test
  void aRecordIsDecodedIntoItsLane() {
    DdlEvent event = inDatabase("app", 3, "CREATE TABLE", "CREATE TABLE t ()");

    Work work = Work.of(record(3, event));

    assertThat(work).isEqualTo(new Work(TP, 3, Lane.database("app"), event, null));
    assertThat(work.where()).isEqualTo("topic ddlcast.ddl partition 0 offset 3");
    assertThat(Work.of(record(4, "shop", clusterWide("shop", 4, "CREATE DATABASE", "CREATE DATABASE shop"))).lane())
        .isEqualTo(Lane.CLUSTER);
  }

  @Test
  void aRecordThatIsNotAnEventStaysInItsKeysLaneAndSaysWhy() {
    Work work = Work.of(new ConsumerRecord<>(TP.topic(), TP.partition(), 5, "app",
        "not json".getBytes(StandardCharsets.UTF_8)));

    assertThat(work.event()).isNull();
    assertThat(work.invalid()).isNotBlank();
    assertThat(work.lane()).isEqualTo(Lane.database("app"));
    assertThat(Work.of(new ConsumerRecord<>(TP.topic(), TP.partition(), 6, null, new byte[0])).lane())
        .isEqualTo(Lane.NO_KEY);
  }
}
