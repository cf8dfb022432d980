package dev.argus.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CancellationTest {
  @Test
  void cancellingCancelsWhatTheRequestQueued() {
    Cancellation c = Cancellation.create();
    CompletableFuture<String> queued = new CompletableFuture<>();
    c.watch(queued);

    c.cancel();

    assertThat(c.isCancelled()).isTrue();
    assertThat(queued).isCancelled();
  }

  @Test
  void whatIsQueuedAfterCancellingIsCancelledAtOnce() {
    Cancellation c = Cancellation.create();
    c.cancel();
    CompletableFuture<String> late = new CompletableFuture<>();

    c.watch(late);

    assertThat(late).isCancelled();
  }

  @Test
  void aFinishedRequestIsLeftAlone() {
    Cancellation c = Cancellation.create();
    CompletableFuture<String> done = CompletableFuture.completedFuture("answer");
    c.watch(done);

    c.cancel();

    assertThat(done).isCompletedWithValue("answer");
  }

  @Test
  void noneCannotBeCancelledAndKeepsNothing() {
    CompletableFuture<String> queued = new CompletableFuture<>();
    Cancellation.NONE.watch(queued);

    Cancellation.NONE.cancel();

    assertThat(Cancellation.NONE.isCancelled()).isFalse();
    assertThat(queued).isNotDone();
  }
}
