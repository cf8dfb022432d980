package dev.argus.observe;

import io.prometheus.metrics.core.metrics.Gauge;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches memory pressure: heap used ÷ heap max, and resident set size ÷ the memory limit (the
 * configured one, else the cgroup's {@code memory.max}). Crossing {@code threshold} logs a warning
 * and sets {@code argus_memory_pressure} to 1; falling back below it logs and sets 0.
 */
public final class MemoryMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MemoryMonitor.class);

  /** One reading of memory, in bytes; a limit of 0 means unknown. */
  public record Reading(long heapUsed, long heapMax, long rss, long rssLimit) {}

  private final double threshold;
  private final Supplier<Reading> readings;
  private final Gauge pressure;
  private final ScheduledExecutorService timer;
  private boolean underPressure;

  MemoryMonitor(Gauge pressure, double threshold, Supplier<Reading> readings) {
    this.threshold = threshold;
    this.readings = readings;
    this.pressure = pressure;
    this.timer = null;
  }

  private MemoryMonitor(MemoryMonitor checks, Duration interval) {
    this.threshold = checks.threshold;
    this.readings = checks.readings;
    this.pressure = checks.pressure;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("argus-memory-monitor").daemon().factory());
    timer.scheduleAtFixedRate(this::checkSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts checking every {@code interval} with this process's real readings. */
  public static MemoryMonitor start(
      Metrics metrics, double threshold, long rssLimit, Duration interval) {
    return new MemoryMonitor(
        new MemoryMonitor(metrics.memoryPressure(), threshold, () -> readProcess(rssLimit)),
        interval);
  }

  /** Takes one reading and updates the gauge; true while under pressure. */
  synchronized boolean check() {
    Reading r = readings.get();
    double heap = r.heapMax() > 0 ? (double) r.heapUsed() / r.heapMax() : 0;
    double rss = r.rssLimit() > 0 ? (double) r.rss() / r.rssLimit() : 0;
    boolean now = heap > threshold || rss > threshold;
    if (now && !underPressure) {
      log.warn(
          "memory pressure: heap {}% of max, resident {}% of limit (threshold {}%)",
          Math.round(heap * 100), Math.round(rss * 100), Math.round(threshold * 100));
    } else if (!now && underPressure) {
      log.info(
          "memory pressure over: heap {}%, resident {}%",
          Math.round(heap * 100), Math.round(rss * 100));
    }
    underPressure = now;
    pressure.set(now ? 1 : 0);
    return now;
  }

  private void checkSafely() {
    try {
      check();
    } catch (RuntimeException e) {
      log.warn("memory check failed", e);
    }
  }

  /** Heap, resident memory and the limit it is compared with, now. */
  public static Reading readProcess(long configuredLimit) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long limit = configuredLimit > 0 ? configuredLimit : cgroupLimit().orElse(0);
    return new Reading(heap.getUsed(), heap.getMax(), residentBytes().orElse(0), limit);
  }

  /** VmRSS of this process from /proc, on Linux. */
  static OptionalLong residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  /** The cgroup v2 memory limit, when the process runs under one. */
  static OptionalLong cgroupLimit() {
    try {
      String max = Files.readString(Path.of("/sys/fs/cgroup/memory.max")).trim();
      return max.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(max));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
