package io.ddlcast.producer.csvlog;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the producer as soon as the primary writes to its log directory (inotify, through the JDK's
 * {@link WatchService}), so that a DDL is read within milliseconds of being logged instead of after a poll interval.
 * The poll interval stays the upper bound of every wait, and the only clock where the directory cannot be watched
 * (it does not exist yet, or a file system without notifications): a missed notification costs one interval, never
 * a record.
 */
public final class LogWatcher implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LogWatcher.class);

  private final LogSource source;
  private WatchService watch;
  private Path watched;

  public LogWatcher(LogSource source) {
    this.source = source;
  }

  /** Returns when the log directory changed, or after {@code max}. */
  public void await(Duration max) throws InterruptedException {
    register();
    if (watch == null) {
      Thread.sleep(max.toMillis());
      return;
    }
    WatchKey key = watch.poll(max.toMillis(), TimeUnit.MILLISECONDS);
    while (key != null) {
      key.pollEvents();
      if (!key.reset()) { // the directory is gone: watch it again once it is known
        close();
        return;
      }
      key = watch.poll();
    }
  }

  private void register() {
    try {
      Optional<Path> dir = source.directory();
      if (dir.isEmpty() || dir.get().equals(watched)) {
        return;
      }
      close();
      WatchService service = FileSystems.getDefault().newWatchService();
      try {
        dir.get().register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      } catch (IOException e) {
        service.close();
        throw e;
      }
      watch = service;
      watched = dir.get();
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("cannot watch the log directory ({}); polling every interval", e.toString());
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      try {
        watch.close();
      } catch (IOException e) {
        LOG.debug("closing the log watcher: {}", e.toString());
      }
    }
    watch = null;
    watched = null;
  }
}
