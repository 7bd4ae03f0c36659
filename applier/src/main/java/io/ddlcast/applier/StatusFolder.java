package io.ddlcast.applier;

import io.ddlcast.common.kafka.KafkaAccess;
import io.ddlcast.common.kafka.Topics;
import io.ddlcast.common.status.ApplyResult;
import io.ddlcast.common.status.StandbyView;
import io.ddlcast.common.status.StatusJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams topology that folds a standby's apply results ({@code <topic>.results}) into its
 * {@link StandbyView}, kept in a state store and written to the compacted {@code <topic>.standbys}, where
 * {@code ddlcast status} reads it even while the applier is down. Each applier runs it for its own standby (its own
 * application id), so views are independent and a standby's view survives its applier: the store is rebuilt from
 * its changelog on restart. Stores are in memory: a view is a few hundred bytes.
 */
final class StatusFolder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusFolder.class);
  static final String STORE = "standby-views";

  private final KafkaStreams streams;
  private final Path stateDir;

  StatusFolder(KafkaAccess kafka, String topic, String standby) {
    try {
      stateDir = Files.createTempDirectory("ddlcast-status-" + standby + "-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a state directory for Kafka Streams: " + e.getMessage(), e);
    }
    Properties props = new Properties();
    props.putAll(kafka.userProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, Topics.statusApplication(topic, standby));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.CLIENT_ID_CONFIG, "ddlcast-status-" + standby);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // The view reaches its topic once per commit (cache on): a standby applying hundreds of events a second writes
    // a view a second, not one per event; status is at most that much behind.
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Integer.toString(1 << 20));
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "ddlcast-status-" + standby);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "30000");
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    streams = new KafkaStreams(topology(topic, standby), props);
    streams.setUncaughtExceptionHandler(e -> {
      LOG.warn("standby {}: the status view stream failed ({}); restarting it", standby, e.toString());
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
  }

  static Topology topology(String topic, String standby) {
    Serde<ApplyResult> results = json(ApplyResult.class);
    Serde<StandbyView> views = json(StandbyView.class);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(Topics.resultsTopic(topic), Consumed.with(Serdes.String(), results))
        .filter((key, result) -> standby.equals(key) && result != null)
        .groupByKey(Grouped.with(Serdes.String(), results))
        .aggregate(() -> StandbyView.empty(standby), (key, result, view) -> view.fold(result),
            Materialized.<String, StandbyView>as(Stores.inMemoryKeyValueStore(STORE))
                .withKeySerde(Serdes.String()).withValueSerde(views))
        .toStream()
        .to(Topics.standbysTopic(topic), Produced.with(Serdes.String(), views));
    return builder.build();
  }

  void start() {
    streams.start();
  }

  /** The current view from the local store, or null while the stream is (re)starting. */
  StandbyView view(String standby) {
    try {
      ReadOnlyKeyValueStore<String, StandbyView> store = streams.store(
          StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
      return store.get(standby);
    } catch (RuntimeException notReady) {
      return null;
    }
  }

  private static <T> Serde<T> json(Class<T> type) {
    return Serdes.serdeFrom(
        (t, value) -> value == null ? null : StatusJson.encode(value),
        (t, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return StatusJson.decode(bytes, type);
          } catch (IllegalArgumentException e) {
            LOG.warn("ignoring an unreadable record on {}: {}", t, e.getMessage());
            return null;
          }
        });
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(10));
    try (var files = Files.walk(stateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("removing {}: {}", stateDir, e.toString());
    }
  }
}
