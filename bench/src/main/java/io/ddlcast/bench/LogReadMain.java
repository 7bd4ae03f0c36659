package io.ddlcast.bench;

import io.ddlcast.producer.OfflineReader;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The log-reading measurement, in its own JVM so that it can be pinned to one core ({@code taskset -c 0}): reads a
 * csvlog directory {@code passes} times, single-threaded, each pass twice, alternated: with the producer's reading
 * stack ({@link OfflineReader}: follower, parser, tracker), then with commons-csv alone parsing the same files (the
 * library the producer's parser is built on, what a reader of this format on the JVM costs at least): every file,
 * oldest first, through a buffered UTF-8 reader. One line per pass and reader:
 * {@code pass N READER RECORDS BYTES NANOS THREAD_CPU_NANOS PUBLISHED PROBLEMS}, READER {@value #PRODUCER} or
 * {@value #COMMONS_CSV}.
 */
public final class LogReadMain {
  static final String PRODUCER = "producer";
  static final String COMMONS_CSV = "commons-csv";

  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(false).get();

  private LogReadMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int passes = Integer.parseInt(args[1]);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int pass = 0; pass < passes; pass++) {
      for (String reader : List.of(PRODUCER, COMMONS_CSV)) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        OfflineReader.Totals totals = reader.equals(COMMONS_CSV) ? commonsCsv(dir) : OfflineReader.readDirectory(dir);
        long nanos = System.nanoTime() - t0;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        System.out.printf("pass %d %s %d %d %d %d %d %d%n", pass, reader, totals.records(), totals.bytes(), nanos,
            cpu, totals.published(), totals.problems());
      }
    }
  }

  /** commons-csv alone over the directory's csv files: records and bytes, nothing published. */
  static OfflineReader.Totals commonsCsv(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    }
    long records = 0;
    long bytes = 0;
    for (Path file : files) {
      bytes += Files.size(file);
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
           CSVParser parser = CSVParser.builder().setFormat(FORMAT).setReader(reader).get()) {
        for (CSVRecord record : parser) {
          records += record.size() > 0 ? 1 : 0;
        }
      }
    }
    return new OfflineReader.Totals(records, bytes, 0, 0, 0);
  }
}
