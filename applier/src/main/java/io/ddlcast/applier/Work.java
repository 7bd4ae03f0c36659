package io.ddlcast.applier;

import io.ddlcast.common.event.DdlEvent;
import org.apache.kafka.common.TopicPartition;

/**
 * One record of the topic on its way to a lane: the decoded event, or why it could not be decoded (then the lane
 * stops on it rather than skip it).
 */
record Work(TopicPartition partition, long offset, DdlEvent event, String invalid) {
  String where() {
    return "topic " + partition.topic() + " partition " + partition.partition() + " offset " + offset;
  }
}
