package io.ddlcast.common.generation;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The record that starts a generation on one partition of the events topic: no key, header
 * {@value #HEADER} = the generation's number, value {@code {"generation":N}}. {@link GenerationLog#propose} writes
 * one per partition in the same Kafka transaction as the generation's record, whose {@code start} is each marker's
 * offset + 1; so an applier that reads a marker (read_committed) finds its generation on the generations topic.
 * A marker is only believed where the generation it names starts right after it; any other is ignored.
 */
public final class GenerationMarker {
  public static final String HEADER = "ddlcast-generation";

  private GenerationMarker() {}

  /** The generation the record claims to start, if it is a marker. */
  public static OptionalInt of(ConsumerRecord<String, byte[]> record) {
    if (record.key() != null) {
      return OptionalInt.empty();
    }
    Header header = record.headers().lastHeader(HEADER);
    if (header == null || header.value() == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(new String(header.value(), StandardCharsets.US_ASCII)));
    } catch (NumberFormatException e) {
      return OptionalInt.of(-1); // a marker of no generation: never believed
    }
  }

  static byte[] header(int generation) {
    return Integer.toString(generation).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] value(int generation) {
    return ("{\"generation\":" + generation + "}").getBytes(StandardCharsets.US_ASCII);
  }
}
