package dev.argus.transport.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.Headers;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * How many bytes of its connection's input Helidon already holds when a request is routed: told of
 * each request's headers on the connection's thread (which then runs the handler), it keeps that
 * connection's reader for the thread. A body that is already there whole is read on the request's
 * own thread ({@link Bodies}), since reading it cannot block; only a body still on its way is read
 * by a thread of its own ({@link BodyReader}), so that its wait stays bounded. Small bodies (a
 * tensor of a tiny model, most refusals' drains) then cost no hand-off between threads.
 */
final class ConnectionInput implements Http1ConnectionListener {
  private static final ThreadLocal<DataReader> READER = new ThreadLocal<>();

  @Override
  public void headers(ConnectionContext ctx, Headers headers) {
    READER.set(ctx.dataReader());
  }

  /**
   * Whether the connection of the request on this thread holds at least {@code bytes} already read
   * off its socket; false when unknown (not an HTTP/1 connection thread).
   */
  static boolean holds(long bytes) {
    DataReader reader = READER.get();
    return reader != null && reader.available() >= bytes;
  }
}
