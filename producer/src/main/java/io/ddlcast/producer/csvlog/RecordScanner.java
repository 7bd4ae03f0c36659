package io.ddlcast.producer.csvlog;

import java.util.Arrays;

/**
 * Finds where csvlog records end in a buffer that grows as the file is read, looking at each byte once: a newline
 * outside double quotes ends a record, and whether the scan is inside quotes carries over from one call to the
 * next. A record that takes many reads to arrive costs its length once, not once per read.
 */
final class RecordScanner {
  private int scanned;
  private boolean quoted;
  private int[] found = new int[1024];

  /**
   * Offsets just past each record end in {@code buf[scanned..len)}, continuing where the last call stopped, in
   * ascending order (a plain array: half a million records a second boxed as {@code Integer} showed in the profile).
   */
  int[] scan(byte[] buf, int len) {
    int n = 0;
    boolean q = quoted;
    for (int i = scanned; i < len; i++) {
      byte b = buf[i];
      if (b == '"') {
        q = !q;
      } else if (b == '\n' && !q) {
        if (n == found.length) {
          found = Arrays.copyOf(found, n * 2);
        }
        found[n++] = i + 1;
      }
    }
    quoted = q;
    scanned = len;
    return Arrays.copyOf(found, n);
  }

  /** The buffer's first {@code n} bytes were dropped: what was scanned moves with them. */
  void shift(int n) {
    scanned -= n;
  }

  /** Starts over at the beginning of a record. */
  void reset() {
    scanned = 0;
    quoted = false;
  }
}
