package dev.argus.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ConnectionInputTest {
  @Test
  void aThreadKnowsHowMuchOfItsConnectionsInputHasArrived() throws Exception {
    AtomicBoolean held = new AtomicBoolean();
    Thread.ofVirtual()
        .start(() -> {
          assertThat(ConnectionInput.holds(1)).as("no connection on this thread").isFalse();
          DataReader reader = new DataReader(() -> new byte[16]);
          reader.pullData(); // 16 bytes read off the "socket"
          ConnectionContext ctx =
              (ConnectionContext)
                  Proxy.newProxyInstance(
                      ConnectionContext.class.getClassLoader(),
                      new Class<?>[] {ConnectionContext.class},
                      (proxy, method, args) ->
                          method.getName().equals("dataReader") ? reader : null);
          new ConnectionInput().headers(ctx, WritableHeaders.create());

          held.set(ConnectionInput.holds(16) && !ConnectionInput.holds(17));
        })
        .join();

    assertThat(held).isTrue();
    assertThat(ConnectionInput.holds(1)).as("another thread's connection").isFalse();
  }
}
