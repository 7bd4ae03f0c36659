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
 */
public final class LogFollower implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LogFollower.class);
  private static final int READ_SIZE = 1 << 20;

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
    this.carryLength = 0;
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
      if (carryLength > 0) {
        problems.add("truncated record at the end of " + file + " offset " + offset + " (" + carryLength
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
    carryLength = 0;
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
    long readFrom = offset + carryLength;
    if (size < readFrom) {
      problems.add("csvlog file " + file + " shrank from at least " + readFrom + " to " + size
          + " bytes (replaced or truncated); reading it again from the start");
      offset = 0;
      carryLength = 0;
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
    CsvlogParser.Chunk chunk = CsvlogParser.parse(file, offset, carry, carryLength);
    problems.addAll(chunk.problems());
    int consumed = chunk.consumed();
    if (consumed > 0) {
      System.arraycopy(carry, consumed, carry, 0, carryLength - consumed);
      carryLength -= consumed;
      offset += consumed;
    }
    boolean more = at < size || (chunk.records().isEmpty() && consumed > 0);
    return new Batch(chunk.records(), problems, more);
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
      carry = Arrays.copyOf(carry, Math.max(needed, carry.length * 2));
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
