package dev.argus.testing;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of integration tests that share one server on the bundled repository per test class. */
public abstract class BundledServerTest {
  protected static TestServer server;

  @BeforeAll
  static void startBundledServer() {
    server = TestServer.start(TestModels.bundledRepository(), Map.of());
  }

  @AfterAll
  static void stopBundledServer() {
    server.close();
  }
}
