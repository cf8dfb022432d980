package dev.argus.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.service.Cancellation;
import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GrpcEdgeTest {
  @Test
  void aCancelWellBeforeTheDeadlineCallsTheRequestOff() {
    Cancellation c = Cancellation.create();
    GrpcEdge.cancelUnlessExpired(c, Deadline.after(10, TimeUnit.SECONDS));
    assertThat(c.isCancelled()).isTrue();
  }

  @Test
  void aCancelWithoutADeadlineCallsTheRequestOff() {
    Cancellation c = Cancellation.create();
    GrpcEdge.cancelUnlessExpired(c, null);
    assertThat(c.isCancelled()).isTrue();
  }

  /**
   * The client's deadline fires first and gRPC cancels the call a moment before the server's own
   * deadline: that is a timeout, not a client's change of mind (GrpcStreamIT once recorded it as
   * cancelled and so never saw the timeout it waited for).
   */
  @Test
  void aCancelAtTheDeadlineLeavesTheRequestToTimeOut() {
    Cancellation nearly = Cancellation.create();
    GrpcEdge.cancelUnlessExpired(
        nearly, Deadline.after(GrpcEdge.DEADLINE_GRACE_MILLIS / 2, TimeUnit.MILLISECONDS));
    assertThat(nearly.isCancelled()).isFalse();

    Cancellation passed = Cancellation.create();
    GrpcEdge.cancelUnlessExpired(passed, Deadline.after(-1, TimeUnit.MILLISECONDS));
    assertThat(passed.isCancelled()).isFalse();
  }
}
