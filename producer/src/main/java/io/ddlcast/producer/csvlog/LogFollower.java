package io.ddlcast.producer.csvlog;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the csvlog by complete records across rotations, remembering an exact {@link LogCursor}.
 *
 * <p>Each {@link #poll()} reads what was appended since the last one, hands complete records to the caller and
 * keeps an incomplete trailing record back until PostgreSQL finishes writing it. A size rotation within the same
 * second reopens and appends to the same file; that is just more bytes. The follower moves to the next file (by
 * name) only once that file has content, which PostgreSQL writes only after it closed the previous one; it then
 * reads the previous file to its end once more. Bytes left after that are a truncated record: reported with file
 * and offset, and skipped. A file that shrank below the cursor was replaced: reported, read from the start.
 *
 * <p>Record ends are found once per byte however many reads a record takes ({@link RecordScanner}). A record larger
 * than {@link #MAX_RECORD_BYTES} is not held: its bytes are passed over as they are read, and once its end is found
 * it is reported (file, offset, size) and skipped; the records after it are read as usual. The cursor stays at its
 * start until then, so that a restart passes over it again rather than start inside it.
 */
public final class LogFollower implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LogFollower.class);
  private static final int READ_SIZE = 1 << 20;
  /**
   * The largest record held: room for a statement at the event limit ({@code DdlEvent.MAX_STATEMENT_CHARS}) in ASCII,
   * and what a producer with a 128 MB heap parses with room to spare (measured: 24 MB records parse, 28 MB ones do
   * not).
   */
  static final int MAX_RECORD_BYTES = 16 << 20;

  /** Records read by one poll, and problems met on the way (garbled or truncated records, vanished files). */
  public record Batch(List<LogRecord> records, List<String> problems, boolean more) {
    public boolean isEmpty() {
      return records.isEmpty();
    }
  }

  private final LogSource source;
  private final int maxBatchBytes;
  private String file;
  private long offset;
  private FileChannel channel;
  private byte[] carry = new byte[0];
  private int carryLength;
  private final RecordScanner scanner = new RecordScanner();
  /** While a record too large to hold is passed over: its bytes after {@link #offset} already dropped. */
  private long skipped;
  private boolean waitingLogged;

  public LogFollower(LogSource source, LogCursor start, int maxBatchBytes) {
    this.source = source;
    this.maxBatchBytes = maxBatchBytes;
    if (start != null) {
      this.file = start.file();
      this.offset = start.offset();
    }
  }

  /** The position after the last record returned. Null before the first file was found. */
  public LogCursor cursor() {
    return file == null ? null : new LogCursor(file, offset);
  }

  /** Starts over from a position (after a failed publish, from the last committed checkpoint). */
  public void seek(LogCursor cursor) throws IOException {
    closeChannel();
    this.file = cursor == null ? null : cursor.file();
    this.offset = cursor == null ? 0 : cursor.offset();
    dropCarry();
  }

  private void dropCarry() {
    carryLength = 0;
    skipped = 0;
    scanner.reset();
  }

  /** Positions at the end of the last complete record of the active file: "only what is logged from now on". */
  public void seekToEnd() throws IOException {
    Optional<String> active = source.activeFile();
    if (active.isEmpty()) {
      seek(null);
      return;
    }
    seek(new LogCursor(active.get(), 0));
    while (true) {
      Batch batch = poll();
      if (!batch.more()) {
        return;
      }
    }
  }

  public Batch poll() throws IOException {
    List<String> problems = new ArrayList<>();
    if (file == null && !chooseFirstFile()) {
      return new Batch(List.of(), problems, false);
    }
    Batch batch = readCurrent(problems);
    if (!batch.isEmpty() || batch.more()) {
      return batch;
    }
    Optional<String> next = nextFile();
    if (next.isPresent() && hasContent(next.get())) {
      Batch drained = readCurrent(problems); // the previous file is closed now: read its very end
      if (!drained.isEmpty()) {
        return drained;
      }
      if (carryLength > 0 || skipped > 0) {
        problems.add("truncated record at the end of " + file + " offset " + offset + " (" + (skipped + carryLength)
            + " bytes never completed before the log rotated); skipped");
      }
      LOG.debug("csvlog rotated: {} -> {}", file, next.get());
      switchTo(next.get());
      Batch first = readCurrent(problems);
      return new Batch(first.records(), problems, true);
    }
    return new Batch(List.of(), problems, false);
  }

  private boolean chooseFirstFile() throws IOException {
    List<String> files = source.files();
    if (files.isEmpty()) {
      if (!waitingLogged) {
        LOG.info("waiting for csvlog files ({})", source.describe());
        waitingLogged = true;
      }
      return false;
    }
    switchTo(files.get(0));
    return true;
  }

  private Optional<String> nextFile() throws IOException {
    for (String candidate : source.files()) {
      if (candidate.compareTo(file) > 0) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private boolean hasContent(String name) throws IOException {
    try {
      return Files.size(source.resolve(name)) > 0;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private void switchTo(String name) {
    closeChannel();
    file = name;
    offset = 0;
    dropCarry();
  }

  private Batch readCurrent(List<String> problems) throws IOException {
    FileChannel ch = channel(problems);
    if (ch == null) {
      return new Batch(List.of(), problems, false);
    }
    long size;
    try {
      size = ch.size();
    } catch (IOException e) {
      closeChannel();
      throw new IOException("cannot read csvlog file " + source.resolve(file) + ": " + e, e);
    }
    long readFrom = offset + skipped + carryLength;
    if (size < readFrom) {
      problems.add("csvlog file " + file + " shrank from at least " + readFrom + " to " + size
          + " bytes (replaced or truncated); reading it again from the start");
      offset = 0;
      dropCarry();
      readFrom = 0;
    }
    long available = size - readFrom;
    if (available == 0) {
      return new Batch(List.of(), problems, false);
    }
    int want = (int) Math.min(available, Math.max(READ_SIZE, maxBatchBytes - carryLength));
    ensureCarryCapacity(carryLength + want);
    ByteBuffer target = ByteBuffer.wrap(carry, carryLength, want);
    long at = readFrom;
    try {
      while (target.hasRemaining()) {
        int n = ch.read(target, at);
        if (n < 0) {
          break;
        }
        at += n;
      }
    } catch (IOException e) {
      closeChannel(); // opened again on the next poll: the file may be readable by then
      throw new IOException("cannot read csvlog file " + source.resolve(file) + " at offset " + at + ": " + e, e);
    }
    carryLength = target.position();
    int[] ends = scanner.scan(carry, carryLength);
    if (ends.length == 0) {
      if (skipped + carryLength > MAX_RECORD_BYTES) { // not held: passed over as it is read
        skipped += carryLength;
        scanner.shift(carryLength);
        carryLength = 0;
      }
      return new Batch(List.of(), problems, at < size);
    }
    if (skipped > 0 || ends[0] > MAX_RECORD_BYTES) {
      ends = skipOversized(ends, problems);
    }
    CsvlogParser.Chunk chunk = CsvlogParser.parse(file, offset, carry, ends);
    problems.addAll(chunk.problems());
    consume(chunk.consumed());
    boolean more = at < size || chunk.records().isEmpty();
    return new Batch(chunk.records(), problems, more);
  }

  /** The first end closes a record too large to hold: report it, pass over it, and keep the ends after it. */
  private int[] skipOversized(int[] ends, List<String> problems) {
    int first = ends[0];
    problems.add("record at " + file + " offset " + offset + " has " + (skipped + first) + " bytes, more than "
        + "ddlcast reads (" + (MAX_RECORD_BYTES >> 20) + " MB): skipped; a statement in it is not replicated "
        + "(apply it to the standbys by hand if it was DDL that committed)");
    offset += skipped;
    skipped = 0;
    consume(first);
    int[] rest = new int[ends.length - 1];
    for (int i = 1; i < ends.length; i++) {
      rest[i - 1] = ends[i] - first;
    }
    return rest;
  }

  /** The first {@code n} bytes of the carry were read: they leave it, and the cursor moves past them. */
  private void consume(int n) {
    if (n > 0) {
      System.arraycopy(carry, n, carry, 0, carryLength - n);
      carryLength -= n;
      offset += n;
      scanner.shift(n);
    }
  }

  private FileChannel channel(List<String> problems) throws IOException {
    if (channel != null) {
      return channel;
    }
    Path path = source.resolve(file);
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
      return channel;
    } catch (NoSuchFileException e) {
      Optional<String> next = nextFile();
      if (next.isPresent()) {
        problems.add("csvlog file " + file + " disappeared at offset " + offset + "; continuing with " + next.get()
            + " (records after that offset, if any, are lost)");
        switchTo(next.get());
        return channel(problems);
      }
      return null;
    } catch (IOException e) {
      throw new IOException("cannot open csvlog file " + path + " at offset " + offset + ": " + e, e);
    }
  }

  private void ensureCarryCapacity(int needed) {
    if (carry.length < needed) {
      carry = Arrays.copyOf(carry, Math.max(needed, Math.min(carry.length * 2, MAX_RECORD_BYTES + READ_SIZE)));
    }
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing {}: {}", file, e.toString());
      }
      channel = null;
    }
  }

  @Override
  public void close() {
    closeChannel();
  }
}
