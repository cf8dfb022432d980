package dev.argus.observe;

import dev.argus.config.SloConfig;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The most recent slow and failed requests, for the console: two bounded rings ({@value #CAPACITY}
 * entries each, so a flood of failures cannot push every slow request out), fed from each request's
 * {@link RequestRecord} when it ends. A request writes one entry and nothing else: a slot taken by
 * an atomic increment, no lock; a successful request within its objective writes nothing.
 *
 * <p>Slow means what the latency objectives say: a successful request whose server-side time (the
 * sum of its phases) is over the smallest {@code threshold} of the latency objectives covering its
 * model. With no latency objective, no request is slow.
 */
public final class RecentRequests implements RequestSink {
  /** Entries kept of each kind. */
  public static final int CAPACITY = 256;

  /** Longest error message kept; longer ones are cut with an ellipsis. */
  public static final int MAX_ERROR_CHARS = 300;

  private final Ring slow = new Ring(CAPACITY);
  private final Ring failed = new Ring(CAPACITY);
  private final AtomicLong sequence = new AtomicLong();
  private final LongSupplier clockMillis;
  private final boolean traced;
  private final String[] objectiveModels;
  private final long[] objectiveNanos;

  /**
   * @param slo the objectives whose latency thresholds make a request slow
   * @param traced whether tracing is on: only then are trace ids shown (as in the log lines)
   * @param clockMillis the wall clock, for each entry's time
   */
  public RecentRequests(SloConfig slo, boolean traced, LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
    this.traced = traced;
    List<SloConfig.Objective> latency =
        slo.objectives().stream().filter(SloConfig.Objective::latency).toList();
    this.objectiveModels = latency.stream().map(SloConfig.Objective::model).toArray(String[]::new);
    this.objectiveNanos = latency.stream().mapToLong(o -> o.threshold().toNanos()).toArray();
  }

  /**
   * The latency over which a successful request of {@code model} is slow, in nanoseconds, or {@link
   * Long#MAX_VALUE} when no latency objective covers it.
   */
  public long slowNanos(String model) {
    long threshold = Long.MAX_VALUE;
    for (int i = 0; i < objectiveModels.length; i++) {
      if (objectiveModels[i].equals("*") || objectiveModels[i].equals(model)) {
        threshold = Math.min(threshold, objectiveNanos[i]);
      }
    }
    return threshold;
  }

  @Override
  public void ended(RequestRecord r, long durationNanos) {
    Ring ring;
    String kind;
    if (r.errorType().isPresent()) {
      ring = failed;
      kind = RecentRequest.FAILED;
    } else if (r.model().isPresent()
        && r.timings().isPresent()
        && r.timings().get().totalNanos() > slowNanos(r.model().get())) {
      ring = slow;
      kind = RecentRequest.SLOW;
    } else {
      return;
    }
    SpanContext span = r.span().getSpanContext();
    boolean hasTrace = traced && span.isValid();
    long seq = sequence.incrementAndGet();
    ring.put(
        new RecentRequest(
            seq,
            clockMillis.getAsLong(),
            kind,
            r.requestId(),
            hasTrace ? span.getTraceId() : "",
            hasTrace && span.isSampled(),
            r.protocol(),
            r.method(),
            r.route(),
            r.status(),
            r.model().orElse(""),
            r.version(),
            r.outcome().orElse(RecentRequest.NO_OUTCOME),
            r.errorType().orElse(""),
            cut(r.errorMessage()),
            r.serverFault(),
            durationNanos,
            r.timings().orElse(null),
            r.batchSize()));
  }

  /**
   * The entries that {@code filter} accepts, newest first, at most {@code limit}; {@code kind} is
   * {@link RecentRequest#SLOW}, {@link RecentRequest#FAILED} or null for both.
   */
  public List<RecentRequest> list(String kind, Predicate<RecentRequest> filter, int limit) {
    List<RecentRequest> out = new ArrayList<>();
    if (kind == null || kind.equals(RecentRequest.SLOW)) {
      slow.collect(filter, out);
    }
    if (kind == null || kind.equals(RecentRequest.FAILED)) {
      failed.collect(filter, out);
    }
    out.sort(Comparator.comparingLong(RecentRequest::sequence).reversed());
    return out.size() <= limit ? out : List.copyOf(out.subList(0, limit));
  }

  /** The entry of the request with that id, while the rings still hold it. */
  public Optional<RecentRequest> find(String requestId) {
    List<RecentRequest> found = list(null, e -> e.requestId().equals(requestId), 1);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The number of entries every request has written so far (the last sequence number). */
  public long written() {
    return sequence.get();
  }

  private static String cut(String message) {
    return message.length() <= MAX_ERROR_CHARS
        ? message
        : message.substring(0, MAX_ERROR_CHARS - 1) + "…";
  }

  /** A fixed array of slots, overwritten oldest first; readers copy what they find. */
  private static final class Ring {
    private final AtomicReferenceArray<RecentRequest> slots;
    private final AtomicLong next = new AtomicLong();

    Ring(int capacity) {
      this.slots = new AtomicReferenceArray<>(capacity);
    }

    void put(RecentRequest entry) {
      int slot = (int) (next.getAndIncrement() % slots.length());
      slots.set(slot, entry);
    }

    void collect(Predicate<RecentRequest> filter, List<RecentRequest> out) {
      for (int i = 0; i < slots.length(); i++) {
        RecentRequest e = slots.get(i);
        if (e != null && filter.test(e)) {
          out.add(e);
        }
      }
    }
  }
}
