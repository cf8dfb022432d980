package dev.argus.transport.grpc;

import dev.argus.service.Cancellation;
import dev.argus.transport.edge.RequestIds;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import dev.argus.transport.grpc.proto.ModelInferResponse;
import dev.argus.transport.grpc.proto.ModelStreamInferResponse;
import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One {@code ModelStreamInfer} stream: each request runs on a virtual thread of its own, as its own
 * request (scope, id, canonical line), and gets exactly one answer on the stream, the response or
 * Triton's {@code error_message}, with the request's {@code id} so clients can match answers that
 * come back out of order. At most {@link #WINDOW} requests of a stream run at once: more are not
 * read until one is answered, and none is read while the client does not take its answers, so a
 * stream's memory stays bounded. The stream completes once the client has half-closed and every
 * request is answered; a cancelled stream calls off the requests still running.
 */
final class StreamSession implements StreamObserver<ModelInferRequest> {
  /** Requests of one stream that may run at once. */
  static final int WINDOW = 16;

  private final ServerCallStreamObserver<ModelStreamInferResponse> out;
  private final GrpcEdge edge;
  private final Call call;
  private final Deadline deadline;
  private final GrpcEdge.Handler<ModelInferRequest, ModelStreamInferResponse> handler;
  private final Object lock = new Object();
  private final Set<Cancellation> running = new HashSet<>();
  private long received;
  private int unanswered;
  private int owedReads;
  private boolean halfClosed;
  private boolean finished;

  private StreamSession(
      ServerCallStreamObserver<ModelStreamInferResponse> out,
      GrpcEdge edge,
      Call call,
      Deadline deadline,
      GrpcEdge.Handler<ModelInferRequest, ModelStreamInferResponse> handler) {
    this.out = out;
    this.edge = edge;
    this.call = call;
    this.deadline = deadline;
    this.handler = handler;
  }

  /** Starts a stream on the call's thread; its requests' ids are the stream's id plus -1, -2... */
  static StreamObserver<ModelInferRequest> start(
      StreamObserver<ModelStreamInferResponse> responses,
      GrpcEdge edge,
      GrpcEdge.Handler<ModelInferRequest, ModelStreamInferResponse> handler) {
    Call call = Call.current().orElseThrow();
    call.handled();
    call.requestId(RequestIds.accept(call.header(Call.REQUEST_ID)).orElseGet(RequestIds::generate));
    var out = (ServerCallStreamObserver<ModelStreamInferResponse>) responses;
    StreamSession session =
        new StreamSession(out, edge, call, io.grpc.Context.current().getDeadline(), handler);
    out.disableAutoRequest();
    out.setOnCancelHandler(session::cancelled);
    out.setOnReadyHandler(session::readReady);
    out.request(WINDOW);
    return session;
  }

  @Override
  public void onNext(ModelInferRequest request) {
    Cancellation cancellation = Cancellation.create();
    long seq;
    synchronized (lock) {
      seq = ++received;
      unanswered++;
      running.add(cancellation);
    }
    Thread.ofVirtual()
        .name("argus-grpc-stream-" + call.requestId().orElse("") + "-" + seq)
        .start(() -> answer(seq, request, cancellation));
  }

  private void answer(long seq, ModelInferRequest request, Cancellation cancellation) {
    ModelStreamInferResponse answer =
        edge.streamed(
            call,
            seq,
            request,
            deadline,
            cancellation,
            handler,
            (message, id) -> error(request, message));
    synchronized (lock) {
      running.remove(cancellation);
      unanswered--;
      if (!finished) {
        out.onNext(answer);
        if (out.isReady()) {
          out.request(1);
        } else {
          owedReads++;
        }
      }
      completeIfDone();
    }
  }

  /** Triton's shape of a failed request on a stream: the message, and whose request it was. */
  private static ModelStreamInferResponse error(ModelInferRequest request, String message) {
    return ModelStreamInferResponse.newBuilder()
        .setErrorMessage(message)
        .setInferResponse(
            ModelInferResponse.newBuilder()
                .setId(request.getId())
                .setModelName(request.getModelName())
                .setModelVersion(request.getModelVersion()))
        .build();
  }

  /** The client takes answers again: read what was held back while it did not. */
  private void readReady() {
    synchronized (lock) {
      while (owedReads > 0 && !finished && out.isReady()) {
        owedReads--;
        out.request(1);
      }
    }
  }

  @Override
  public void onCompleted() {
    synchronized (lock) {
      halfClosed = true;
      completeIfDone();
    }
  }

  @Override
  public void onError(Throwable t) {
    cancelled();
  }

  private void completeIfDone() {
    if (halfClosed && unanswered == 0 && !finished) {
      finished = true;
      out.onCompleted();
    }
  }

  /** The client went away (or the stream's deadline passed): call off what still runs. */
  private void cancelled() {
    List<Cancellation> toCancel;
    synchronized (lock) {
      finished = true;
      toCancel = new ArrayList<>(running);
    }
    toCancel.forEach(c -> GrpcEdge.cancelUnlessExpired(c, deadline));
  }
}
