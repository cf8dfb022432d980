package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.config.SloConfig;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The console's rings: what they keep, what they never keep, and that they stay bounded. */
class RecentRequestsTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private final long now = 1_800_000_000_000L;

  private static final SloConfig SLO =
      new SloConfig(
          List.of(
              new SloConfig.Objective(
                  "latency", "*", "latency", 0.99, Duration.ofMillis(300), Duration.ofDays(30)),
              new SloConfig.Objective(
                  "fast", "tiny", "latency", 0.99, Duration.ofMillis(50), Duration.ofDays(30)),
              new SloConfig.Objective(
                  "availability", "*", "availability", 0.995, null, Duration.ofDays(30))));

  private RecentRequests rings() {
    return new RecentRequests(SLO, true, () -> now);
  }

  private static RequestRecord success(String id, String model, long serverMillis) {
    RequestRecord r = RequestRecord.start(id, "http", System.nanoTime(), Span.getInvalid());
    r.method("POST");
    r.route("/predict/{model}");
    r.status(200);
    r.model(model, "1");
    long ns = serverMillis * 1_000_000;
    r.outcome("success", new PhaseTimings(0, ns / 5, ns / 5, ns / 5, ns / 5, ns - 4 * (ns / 5)));
    r.result(4, "[1, 3, 224, 224]", "[1, 3]");
    return r;
  }

  private static RequestRecord failure(String id, String errorType, String message) {
    RequestRecord r = RequestRecord.start(id, "http", System.nanoTime(), Span.getInvalid());
    r.method("POST");
    r.route("/predict");
    r.status(400);
    r.failure(errorType, message, null, false);
    return r;
  }

  @Test
  void aFailedRequestIsKeptWithWhatItsCanonicalLineSays() {
    RecentRequests rings = rings();
    RequestRecord r =
        RequestRecord.start(
            "req-1",
            "http",
            System.nanoTime(),
            Span.wrap(
                SpanContext.create(
                    TRACE, "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault())));
    r.method("POST");
    r.route("/predict/{model}");
    r.status(503);
    r.model("image-triage", "1");
    r.outcome("rejected", new PhaseTimings(0, 1_000_000, 2_000_000, 0, 0, 0));
    r.failure("queue_full", "queue of image-triage is full", null, true);

    rings.ended(r, 7_000_000);

    RecentRequest e = rings.find("req-1").orElseThrow();
    assertThat(e.kind()).isEqualTo(RecentRequest.FAILED);
    assertThat(e.epochMillis()).isEqualTo(now);
    assertThat(e.traceId()).isEqualTo(TRACE);
    assertThat(e.sampled()).isTrue();
    assertThat(e.route()).isEqualTo("/predict/{model}");
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.model()).isEqualTo("image-triage");
    assertThat(e.outcome()).isEqualTo("rejected");
    assertThat(e.errorType()).isEqualTo("queue_full");
    assertThat(e.serverFault()).isTrue();
    assertThat(e.durationNanos()).isEqualTo(7_000_000);
    assertThat(e.timings())
        .hasValueSatisfying(t -> assertThat(t.decodeNanos()).isEqualTo(1_000_000L));
  }

  @Test
  void aSuccessWithinItsObjectiveIsNotKeptAndOneOverItIsSlow() {
    RecentRequests rings = rings();
    rings.ended(success("quick", "image-triage", 300), 1);
    rings.ended(success("slow", "image-triage", 301), 1);
    // "tiny" has its own, tighter objective: the smallest threshold covering a model counts.
    rings.ended(success("tiny-slow", "tiny", 60), 1);

    assertThat(rings.find("quick")).isEmpty();
    assertThat(rings.find("slow")).hasValueSatisfying(e -> assertThat(e.kind()).isEqualTo("slow"));
    assertThat(rings.find("tiny-slow")).isPresent();
    assertThat(rings.slowNanos("tiny")).isEqualTo(50_000_000L);
    assertThat(rings.slowNanos("image-triage")).isEqualTo(300_000_000L);
    assertThat(rings.written()).isEqualTo(2);
  }

  @Test
  void withoutALatencyObjectiveNothingIsSlow() {
    RecentRequests rings = new RecentRequests(new SloConfig(List.of()), false, () -> now);
    rings.ended(success("slow", "m", 60_000), 1);

    assertThat(rings.slowNanos("m")).isEqualTo(Long.MAX_VALUE);
    assertThat(rings.list(null, e -> true, 10)).isEmpty();
  }

  @Test
  void eachRingKeepsItsCapacityNewestFirstSoFailuresCannotPushOutSlowRequests() {
    RecentRequests rings = rings();
    rings.ended(success("slow-1", "m", 900), 1);
    for (int i = 0; i < 10 * RecentRequests.CAPACITY; i++) {
      rings.ended(failure("f-" + i, "invalid_input", "bad image"), 1);
    }

    List<RecentRequest> failed = rings.list(RecentRequest.FAILED, e -> true, 10_000);
    assertThat(failed).hasSize(RecentRequests.CAPACITY);
    assertThat(failed.get(0).requestId()).isEqualTo("f-" + (10 * RecentRequests.CAPACITY - 1));
    assertThat(failed.get(failed.size() - 1).requestId())
        .isEqualTo("f-" + (9 * RecentRequests.CAPACITY));
    assertThat(rings.list(null, e -> true, 10_000)).hasSize(RecentRequests.CAPACITY + 1);
    assertThat(rings.find("slow-1")).isPresent();
    assertThat(rings.list(null, e -> true, 5)).hasSize(5);
  }

  @Test
  void filtersSelectByKindModelAndOutcome() {
    RecentRequests rings = rings();
    rings.ended(success("a", "m1", 400), 1);
    rings.ended(success("b", "m2", 400), 1);
    rings.ended(failure("c", "not_found", "no endpoint GET /x"), 1);

    assertThat(rings.list(RecentRequest.SLOW, e -> e.model().equals("m2"), 10))
        .extracting(RecentRequest::requestId)
        .containsExactly("b");
    assertThat(rings.list(null, e -> e.outcome().equals(RecentRequest.NO_OUTCOME), 10))
        .extracting(RecentRequest::requestId)
        .containsExactly("c");
    assertThat(rings.list(RecentRequest.FAILED, e -> true, 10)).hasSize(1);
  }

  @Test
  void longErrorsAreCutAndPayloadsAndAddressesAreNeverCopied() {
    RecentRequests rings = rings();
    RequestRecord r = failure("long", "invalid_input", "x".repeat(5000));
    r.requestPayload("{\"image\": \"SECRET-PAYLOAD\"}");
    r.responsePayload("SECRET-ANSWER");
    r.clientAddress("203.0.113.9");
    rings.ended(r, 1);

    RecentRequest e = rings.find("long").orElseThrow();
    assertThat(e.error()).hasSize(RecentRequests.MAX_ERROR_CHARS).endsWith("…");
    assertThat(e.toString()).doesNotContain("SECRET", "203.0.113.9");
  }

  @Test
  void traceIdsAreShownOnlyWithTracingOn() {
    RecentRequests untraced = new RecentRequests(SLO, false, () -> now);
    RequestRecord r =
        RequestRecord.start(
            "t",
            "http",
            0,
            Span.wrap(
                SpanContext.create(
                    TRACE, "b7ad6b7169203331", TraceFlags.getDefault(), TraceState.getDefault())));
    r.failure("not_found", "no endpoint", null, false);
    untraced.ended(r, 1);
    rings().ended(r, 1);

    assertThat(untraced.find("t").orElseThrow().traceId()).isEmpty();
    RecentRequests traced = rings();
    traced.ended(r, 1);
    assertThat(traced.find("t").orElseThrow().traceId()).isEqualTo(TRACE);
    assertThat(traced.find("t").orElseThrow().sampled()).isFalse();
  }

  @Test
  void concurrentWritersStayWithinTheBoundsAndLoseNoSequenceNumber() throws Exception {
    RecentRequests rings = rings();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      done.add(
          pool.submit(() -> {
            for (int i = 0; i < 2000; i++) {
              rings.ended(failure(thread + "-" + i, "invalid_input", "bad"), 1);
            }
          }));
    }
    for (Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    List<RecentRequest> kept = rings.list(null, e -> true, 10_000);
    assertThat(kept).hasSize(RecentRequests.CAPACITY);
    Set<Long> sequences = new HashSet<>();
    kept.forEach(e -> sequences.add(e.sequence()));
    assertThat(sequences).hasSize(RecentRequests.CAPACITY);
    assertThat(rings.written()).isEqualTo(8000);
  }
}
