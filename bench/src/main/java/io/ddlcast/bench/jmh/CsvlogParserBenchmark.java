package io.ddlcast.bench.jmh;

import io.ddlcast.producer.OfflineReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The csvlog parser alone ({@code CsvlogParser.parse}: record boundaries on bytes, strict UTF-8 decoding,
 * commons-csv, field extraction) on the first {@code chunkBytes} of a real csvlog file, as the follower hands it a
 * read: one operation is one chunk. Run with {@code -p csvlog=FILE}; {@code ./ddlcast bench log-reading} passes the
 * log it captured and converts operations to records per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CsvlogParserBenchmark {
  @Param("")
  public String csvlog;

  @Param("4194304")
  public int chunkBytes;

  private byte[] buf;
  private int len;

  @Setup
  public void load() throws IOException {
    if (csvlog.isEmpty()) {
      throw new IllegalArgumentException("give a PostgreSQL csvlog file: -p csvlog=FILE");
    }
    buf = new byte[chunkBytes];
    try (InputStream in = Files.newInputStream(Path.of(csvlog))) {
      len = in.readNBytes(buf, 0, chunkBytes);
    }
  }

  @Benchmark
  public int parse() {
    return OfflineReader.parseRecords(buf, len);
  }
}
