package io.ddlcast.applier;

import static io.ddlcast.applier.TestEvents.TOPIC;
import static io.ddlcast.applier.TestEvents.TP;
import static io.ddlcast.applier.TestEvents.clusterWide;
import static io.ddlcast.applier.TestEvents.inDatabase;
import static io.ddlcast.applier.TestEvents.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.generation.GenerationMarker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * How far a standby is, read from the topic and its commit metadata: the lane of each record is the one the applier
 * gave it (cluster-wide events in the cluster lane, records without key in the "(no key)" lane).
 */
class TopicProgressTest {
  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final TopicProgress progress = new TopicProgress(TOPIC, null, consumer);

  /** The topic's one partition holds these records, offsets 0 to n-1; they are fetched on the next poll. */
  private void topicHolds(List<ConsumerRecord<String, byte[]>> records) {
    consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(TP, 0L));
    consumer.updateEndOffsets(Map.of(TP, (long) records.size()));
    consumer.schedulePollTask(() -> records.forEach(consumer::addRecord));
  }

  private static Map<TopicPartition, OffsetAndMetadata> committed(long offset, String metadata) {
    return Map.of(TP, new OffsetAndMetadata(offset, metadata));
  }

  @Test
  void anEventWithoutRecordKeyIsAppliedOnceTheNoKeyLaneWentPastIt() {
    topicHolds(List.of(record(0, inDatabase("a", 0, "CREATE TABLE", "CREATE TABLE t0 ()")),
        record(1, null, inDatabase("b", 1, "CREATE TABLE", "CREATE TABLE t1 ()"))));

    TopicProgress.Located located = progress.find("s:1").orElseThrow();

    assertThat(located.offset()).isEqualTo(1);
    assertThat(located.appliedBy(committed(0, "{\"applied\":{\"(no key)\":1}}"))).isTrue();
    assertThat(located.appliedBy(committed(0, "{\"applied\":{\"b\":1}}"))).isFalse();
    assertThat(located.appliedBy(committed(2, ""))).isTrue();
  }

  @Test
  void aClusterWideEventIsAppliedOnceTheClusterLaneWentPastIt() {
    topicHolds(List.of(record(0, inDatabase("a", 0, "CREATE TABLE", "CREATE TABLE t0 ()")),
        record(1, clusterWide("a", 1, "CREATE ROLE", "CREATE ROLE r"))));

    TopicProgress.Located located = progress.find("s:1").orElseThrow();

    assertThat(located.appliedBy(committed(0, "{\"applied\":{\"\\u0000cluster\":1}}"))).isTrue();
    assertThat(located.appliedBy(committed(0, "{\"applied\":{\"a\":1}}"))).isFalse();
    assertThat(located.appliedBy(committed(1, ""))).isFalse();
  }

  @Test
  void anEventNotOnTheTopicIsNotFound() {
    topicHolds(List.of(record(0, inDatabase("a", 0, "CREATE TABLE", "CREATE TABLE t0 ()"))));

    assertThat(progress.find("s:9")).isEmpty();
  }

  @Test
  void theLagLeavesOutWhatEachLaneAppliedPastTheCommittedOffset() {
    topicHolds(List.of(record(0, inDatabase("a", 0, "CREATE TABLE", "CREATE TABLE t0 ()")),
        record(1, clusterWide("a", 1, "CREATE ROLE", "CREATE ROLE r")),
        record(2, null, inDatabase("b", 2, "CREATE TABLE", "CREATE TABLE t2 ()")),
        record(3, inDatabase("a", 3, "CREATE TABLE", "CREATE TABLE t3 ()")),
        record(4, inDatabase("c", 4, "CREATE TABLE", "CREATE TABLE t4 ()"))));

    TopicProgress.Lag lag = progress.lag(committed(1, "{\"applied\":{\"\\u0000cluster\":1,\"(no key)\":2,\"a\":3}}"),
        Map.of(TP, 5L));

    assertThat(lag.events()).isEqualTo(1); // only c's event at offset 4
    assertThat(lag.oldest()).isEqualTo(TestEvents.LOG_TIME.plusSeconds(4));
    assertThat(lag.atLeast()).isFalse();
    assertThat(lag.neverStarted()).isFalse();
  }

  @Test
  void aStandbyThatNeverCommittedLagsByTheWholeTopic() {
    topicHolds(List.of(record(0, inDatabase("a", 0, "CREATE TABLE", "CREATE TABLE t0 ()")),
        record(1, clusterWide("a", 1, "CREATE ROLE", "CREATE ROLE r"))));

    TopicProgress.Lag lag = progress.lag(Map.of(), Map.of(TP, 2L));

    assertThat(lag.events()).isEqualTo(2);
    assertThat(lag.oldest()).isEqualTo(TestEvents.LOG_TIME);
    assertThat(lag.neverStarted()).isTrue();
  }

  @Test
  void whatIsNotAppliedIsCountedByLaneAndAGenerationMarkerIsNothingToApply() {
    ConsumerRecord<String, byte[]> marker = new ConsumerRecord<>(TOPIC, 0, 2, null,
        "{\"generation\":2}".getBytes(StandardCharsets.US_ASCII));
    marker.headers().add(GenerationMarker.HEADER, "2".getBytes(StandardCharsets.US_ASCII));
    topicHolds(List.of(record(0, inDatabase("a", 0, "CREATE TABLE", "CREATE TABLE t0 ()")),
        record(1, clusterWide("a", 1, "CREATE ROLE", "CREATE ROLE r")), marker,
        record(3, inDatabase("a", 3, "CREATE TABLE", "CREATE TABLE t3 ()")),
        record(4, inDatabase("b", 4, "CREATE TABLE", "CREATE TABLE t4 ()"))));

    Map<Lane, Long> unapplied = progress.unapplied(committed(1, "{\"applied\":{\"b\":4}}"), Map.of(TP, 5L));

    assertThat(unapplied).containsExactly(Map.entry(Lane.CLUSTER, 1L), Map.entry(Lane.database("a"), 1L));
  }

  @Test
  void aStandbyWithOnlyAGenerationMarkerLeftIsNotBehind() {
    ConsumerRecord<String, byte[]> marker = new ConsumerRecord<>(TOPIC, 0, 1, null,
        "{\"generation\":2}".getBytes(StandardCharsets.US_ASCII));
    marker.headers().add(GenerationMarker.HEADER, "2".getBytes(StandardCharsets.US_ASCII));
    topicHolds(List.of(record(0, inDatabase("a", 0, "CREATE TABLE", "CREATE TABLE t0 ()")), marker));

    assertThat(progress.lag(committed(1, ""), Map.of(TP, 2L)).events()).isZero();
  }
}
