package io.ddlcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddlcast.common.generation.Generation;
import io.ddlcast.common.generation.GenerationHistory;
import io.ddlcast.common.generation.GenerationLog;
import io.ddlcast.common.generation.GenerationMarker;
import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.KafkaCluster;
import io.ddlcast.common.kafka.TopicReader;
import io.ddlcast.testkit.EmbeddedKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one rule of the generations' authority, on a real broker: of two promotions decided from the same current
 * generation, one wins and the other is told so; a generation starts right after its marker on every partition.
 */
class GenerationLogTest {
  private static EmbeddedKafka kafka;
  private static KafkaAccess access;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.launch();
    access = KafkaAccess.plaintext(kafka.bootstrapServers());
    try (Admin admin = KafkaCluster.admin(access, "test")) {
      admin.createTopics(List.of(new NewTopic("t", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
      GenerationLog.ensureTopic(admin, "t", Optional.empty());
    }
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void twoPromotionsFromOneGenerationCannotBothWin() throws Exception {
    GenerationHistory first = GenerationLog.proposeFirst(access, "t", "src1", "test");
    assertThat(first.currentNumber()).isEqualTo(1);
    assertThat(GenerationLog.proposeFirst(access, "t", "src2", "test").sourceOf(1)).contains("src1");

    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<Generation>> tries = new ArrayList<>();
    for (String standby : List.of("standbyA", "standbyB")) {
      Callable<Generation> promote = () -> GenerationLog.proposeNext(access, "t", 1, standby,
          Generation.Reason.FAILOVER, "test", "src1");
      tries.add(pool.submit(promote));
    }
    List<Generation> won = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    for (Future<Generation> f : tries) {
      try {
        won.add(f.get(60, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(GenerationLog.ConflictException.class);
        lost.add(e.getCause().getMessage());
      }
    }
    pool.shutdown();
    assertThat(won).hasSize(1);
    assertThat(lost).hasSize(1);
    Generation winner = won.get(0);
    GenerationHistory history = GenerationLog.read(access, "t");
    assertThat(history.currentNumber()).isEqualTo(2);
    assertThat(history.current().orElseThrow().standby()).isEqualTo(winner.standby());

    List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(access, "t");
    assertThat(records).hasSize(3).allSatisfy(r -> {
      assertThat(GenerationMarker.of(r)).hasValue(2);
      assertThat(winner.startOf(r.partition())).isEqualTo(r.offset() + 1);
    });
  }
}
