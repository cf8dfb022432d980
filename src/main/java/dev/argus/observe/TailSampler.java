package dev.argus.observe;

import dev.argus.config.TailSamplingConfig;
import dev.argus.observe.TailRules.Reason;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.LinkData;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Tail-based sampling in front of the batch span processor. Every request is traced; the spans of a
 * trace are held here until its local root (the request's server span) ends, and then handed to the
 * exporter if the request failed, was slow, was sampled by its caller or falls in the head-sampled
 * share, else forgotten. A {@code batch} span (its own trace, linked to the requests it served)
 * ends before its requests do, so it waits for them and is kept if any of them is.
 *
 * <p>Memory is bounded by {@code max_buffered_spans} over all undecided traces: past it, spans of
 * undecided traces are dropped and counted, while a server span, which decides rather than waits,
 * always goes through. A trace whose root never ends is forgotten after {@link #MAX_HOLD_NANOS}.
 */
final class TailSampler implements SpanProcessor {
  /** How long the spans of a trace may wait for their root (no request lasts this long). */
  static final long MAX_HOLD_NANOS = TimeUnit.MINUTES.toNanos(5);

  /**
   * Decisions remembered for spans that end after their trace was decided (batches, stragglers).
   */
  private static final int DECIDED_MEMORY = 8192;

  private final TailRules rules;
  private final int maxBuffered;
  private final LongSupplier nanoClock;

  private final Object lock = new Object();
  // Guarded by lock. Insertion order is arrival order, so the eldest entry is the oldest.
  private final LinkedHashMap<String, Held> held = new LinkedHashMap<>();
  private final Map<String, Boolean> decided =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > DECIDED_MEMORY;
        }
      };
  private int buffered;

  private final Map<Reason, LongAdder> traces = new EnumMap<>(Reason.class);
  private final LongAdder bufferFull = new LongAdder();
  private volatile SpanProcessor delegate;

  TailSampler(TailSamplingConfig config, LongSupplier nanoClock) {
    this.rules = new TailRules(config);
    this.maxBuffered = config.maxBufferedSpans();
    this.nanoClock = nanoClock;
    for (Reason r : Reason.values()) {
      traces.put(r, new LongAdder());
    }
  }

  /**
   * Puts this sampler in front of {@code processor}. Autoconfiguration calls this once per
   * processor it builds; the first call returns this sampler, later ones join the first behind it
   * and return a processor that does nothing, so each span is decided once.
   */
  SpanProcessor wrap(SpanProcessor processor) {
    synchronized (lock) {
      if (delegate == null) {
        delegate = processor;
        return this;
      }
      delegate = SpanProcessor.composite(delegate, processor);
      return SpanProcessor.composite();
    }
  }

  /** Traces decided for {@code reason} so far. */
  long traces(Reason reason) {
    return traces.get(reason).sum();
  }

  /** Spans dropped because the buffer was full. */
  long bufferFull() {
    return bufferFull.sum();
  }

  /** Spans held now, waiting for their requests. */
  int buffered() {
    synchronized (lock) {
      return buffered;
    }
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    SpanProcessor out = delegate;
    if (out != null && out.isStartRequired()) {
      out.onStart(parentContext, span);
    }
  }

  @Override
  public boolean isStartRequired() {
    SpanProcessor out = delegate;
    return out != null && out.isStartRequired();
  }

  @Override
  public void onEnd(ReadableSpan span) {
    SpanProcessor out = delegate;
    if (out == null) {
      return;
    }
    if (!TailRules.localRoot(span)) {
      holdChild(span, out);
    } else if (span.getKind() != SpanKind.SERVER && !span.toSpanData().getLinks().isEmpty()) {
      holdBatch(span, out);
    } else {
      decide(span, out);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode forceFlush() {
    SpanProcessor out = delegate;
    return out == null ? CompletableResultCode.ofSuccess() : out.forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    SpanProcessor out = delegate;
    return out == null ? CompletableResultCode.ofSuccess() : out.shutdown();
  }

  /**
   * Whether the trace of {@code span}, a current span, is or will be kept, so that an exemplar may
   * point to it: its trace was kept, or its request is sampled by its caller, in the share, or
   * already slower than the threshold. A batch span counts as kept when one of its requests does.
   */
  boolean keeps(Span span) {
    if (!(span instanceof ReadableSpan r)) {
      return false;
    }
    String trace = r.getSpanContext().getTraceId();
    Boolean known = decision(trace);
    if (known != null) {
      return known;
    }
    if (!TailRules.localRoot(r)) {
      return false;
    }
    if (r.getKind() == SpanKind.SERVER) {
      return TailRules.callerSampled(r) || rules.inShare(trace) || rules.slow(r);
    }
    for (LinkData link : r.toSpanData().getLinks()) {
      String linked = link.getSpanContext().getTraceId();
      if (Boolean.TRUE.equals(decision(linked)) || rules.inShare(linked)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the trace of {@code span}, whose span may have ended, is known to be kept. */
  boolean keeps(SpanContext span) {
    return span.isValid()
        && (Boolean.TRUE.equals(decision(span.getTraceId())) || rules.inShare(span.getTraceId()));
  }

  private Boolean decision(String trace) {
    synchronized (lock) {
      return decided.get(trace);
    }
  }

  private void holdChild(ReadableSpan span, SpanProcessor out) {
    String trace = span.getSpanContext().getTraceId();
    boolean forward = false;
    synchronized (lock) {
      Boolean known = decided.get(trace);
      if (known != null) {
        forward = known;
      } else if (buffered >= maxBuffered) {
        bufferFull.increment();
      } else {
        long now = nanoClock.getAsLong();
        expire(now);
        held.computeIfAbsent(trace, t -> new Held(now)).spans.add(span);
        buffered++;
      }
    }
    if (forward) {
      out.onEnd(span);
    }
  }

  private void holdBatch(ReadableSpan batch, SpanProcessor out) {
    Set<String> requests = new LinkedHashSet<>();
    for (LinkData link : batch.toSpanData().getLinks()) {
      requests.add(link.getSpanContext().getTraceId());
    }
    boolean keep = false;
    synchronized (lock) {
      List<String> open = new ArrayList<>();
      for (String trace : requests) {
        Boolean known = decided.get(trace);
        keep |= Boolean.TRUE.equals(known);
        if (known == null) {
          open.add(trace);
        }
      }
      if (!keep && !open.isEmpty()) {
        if (buffered >= maxBuffered) {
          bufferFull.increment();
        } else {
          long now = nanoClock.getAsLong();
          expire(now);
          HeldBatch waiting = new HeldBatch(batch, open.size());
          for (String trace : open) {
            held.computeIfAbsent(trace, t -> new Held(now)).batches.add(waiting);
          }
          buffered++;
        }
      }
    }
    if (keep) {
      out.onEnd(batch);
    }
  }

  private void decide(ReadableSpan root, SpanProcessor out) {
    Reason reason = rules.reason(root);
    List<ReadableSpan> kept = new ArrayList<>();
    synchronized (lock) {
      String trace = root.getSpanContext().getTraceId();
      decided.put(trace, reason.kept);
      Held h = held.remove(trace);
      if (h != null) {
        release(h, reason.kept, kept);
      }
    }
    traces.get(reason).increment();
    if (reason.kept) {
      kept.forEach(out::onEnd);
      out.onEnd(root);
    }
  }

  /** Lets go of a trace's held spans, collecting in {@code kept} those to export. Under lock. */
  private void release(Held h, boolean keep, List<ReadableSpan> kept) {
    buffered -= h.spans.size();
    if (keep) {
      kept.addAll(h.spans);
    }
    for (HeldBatch b : h.batches) {
      if (b.settled) {
        continue;
      }
      b.undecided--;
      if (keep || b.undecided == 0) {
        b.settled = true;
        buffered--;
        if (keep) {
          kept.add(b.span);
        }
      }
    }
  }

  /** Forgets traces held longer than {@link #MAX_HOLD_NANOS}. Under lock. */
  private void expire(long now) {
    Iterator<Map.Entry<String, Held>> eldest = held.entrySet().iterator();
    while (eldest.hasNext()) {
      Map.Entry<String, Held> e = eldest.next();
      if (now - e.getValue().since < MAX_HOLD_NANOS) {
        return;
      }
      eldest.remove();
      decided.put(e.getKey(), false);
      release(e.getValue(), false, List.of());
      traces.get(Reason.EXPIRED).increment();
    }
  }

  /** The spans of one undecided trace, and the batches waiting on it. */
  private static final class Held {
    final long since;
    final List<ReadableSpan> spans = new ArrayList<>(4);
    final List<HeldBatch> batches = new ArrayList<>(1);

    Held(long since) {
      this.since = since;
    }
  }

  /** A batch span waiting for the requests it served; settled once exported or dropped. */
  private static final class HeldBatch {
    final ReadableSpan span;
    int undecided;
    boolean settled;

    HeldBatch(ReadableSpan span, int undecided) {
      this.span = span;
      this.undecided = undecided;
    }
  }
}
