package dev.argus.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes log events on one background thread, so a request never waits for a console, a pipe or a
 * disk: the calling thread only captures the event (its message, MDC and thread) and puts it in a
 * bounded queue. A full queue drops the event and counts it ({@link #dropped}, shown as {@code
 * log_events_dropped_total}); it never blocks. The writer encodes and writes each event once per
 * attached appender, in order, waking every few milliseconds while lines come (at most 80 ms after
 * a line on a quiet server) rather than once per line. Stopping drains what is queued, for at most
 * two seconds.
 */
public final class AsyncLog extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private static final AtomicLong dropped = new AtomicLong();
  private static final long DRAIN_MILLIS = 2_000;
  private static final int BATCH = 256;

  /** How long the writer naps once it emptied the queue, while lines keep coming. */
  private static final long MIN_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /** The longest nap, on a server with nothing to log: a line is written at most this late. */
  private static final long MAX_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(80);

  private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
  private final BlockingQueue<ILoggingEvent> queue;
  private volatile Thread writer;

  public AsyncLog(int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** Events dropped because the queue was full, since the process started. */
  public static long dropped() {
    return dropped.get();
  }

  /** Adds a destination; a file's appender stops flushing after every line (see {@link #flush}). */
  public void addAppender(Appender<ILoggingEvent> appender) {
    if (appender instanceof FileAppender<ILoggingEvent> file) {
      file.setImmediateFlush(false);
    }
    appenders.addAppender(appender);
  }

  /** Events waiting to be written. */
  int queued() {
    return queue.size();
  }

  @Override
  public void start() {
    Thread t = Thread.ofPlatform().name("argus-log-writer").daemon().unstarted(this::write);
    writer = t;
    super.start();
    t.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    // The MDC, the formatted message and the thread name are read now, on the request's thread.
    event.prepareForDeferredProcessing();
    if (!queue.offer(event)) {
      dropped.incrementAndGet();
    }
  }

  private void write() {
    List<ILoggingEvent> batch = new ArrayList<>(BATCH);
    long nap = MIN_NAP_NANOS;
    while (isStarted() && !Thread.currentThread().isInterrupted()) {
      int n = queue.drainTo(batch, BATCH);
      for (ILoggingEvent e : batch) {
        appenders.appendLoopOnAppenders(e);
      }
      batch.clear();
      if (n == BATCH) {
        continue; // more is waiting: write on, flush when the queue is empty
      }
      if (n > 0) {
        flush();
        nap = MIN_NAP_NANOS;
      } else {
        nap = Math.min(2 * nap, MAX_NAP_NANOS); // a quiet server: wake up less and less often
      }
      // Napping instead of waiting on the queue: a request thread's offer then never has a writer
      // to wake, so a busy second costs one wake-up per nap instead of one per line.
      LockSupport.parkNanos(this, nap);
    }
  }

  /**
   * Under this writer the appenders do not flush after every line ({@link #addAppender}); one flush
   * per batch drained writes the lines of a busy second in a few system calls instead of one each,
   * and a quiet server's line as soon as it is written.
   */
  private void flush() {
    appenders
        .iteratorForAppenders()
        .forEachRemaining(a -> {
          if (a instanceof OutputStreamAppender<ILoggingEvent> out
              && !out.isImmediateFlush()
              && out.getOutputStream() != null) {
            try {
              out.getOutputStream().flush();
            } catch (IOException e) {
              addError("flushing " + a.getName() + " failed", e);
            }
          }
        });
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    Thread t = writer;
    try {
      if (t != null) {
        LockSupport.unpark(t);
        t.join(DRAIN_MILLIS);
      }
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
      for (ILoggingEvent e; System.nanoTime() < until && (e = queue.poll()) != null; ) {
        appenders.appendLoopOnAppenders(e);
      }
      flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    queue.clear();
    appenders.iteratorForAppenders().forEachRemaining(Appender::stop);
    appenders.detachAndStopAllAppenders();
  }
}
