package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import io.ddlcast.common.kafka.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics around the appliers when missing: results (a week of history), the per-standby view
 * (compacted), operator commands and dead letters (both kept forever: a skip must be honoured by an applier that
 * starts a month later, and a dead letter is the record of what a standby never ran).
 */
final class StatusTopics {
  private StatusTopics() {}

  static void ensure(Admin admin, String topic) throws InterruptedException, ExecutionException, TimeoutException {
    List<NewTopic> wanted = new ArrayList<>();
    wanted.add(new NewTopic(Topics.resultsTopic(topic), Optional.of(1), Optional.empty())
        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(7)))));
    wanted.add(new NewTopic(Topics.standbysTopic(topic), Optional.of(1), Optional.empty())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_MS_CONFIG, "3600000")));
    wanted.add(new NewTopic(Topics.controlTopic(topic), Optional.of(1), Optional.empty())
        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")));
    wanted.add(new NewTopic(Topics.deadLetterTopic(topic), Optional.of(1), Optional.empty())
        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            Integer.toString(DdlEvent.MAX_RECORD_BYTES))));
    Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
    for (NewTopic t : wanted) {
      if (existing.contains(t.name())) {
        continue;
      }
      try {
        admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }
}
