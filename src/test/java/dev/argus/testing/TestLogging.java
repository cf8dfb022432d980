package dev.argus.testing;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import org.slf4j.LoggerFactory;

/** Puts back the logback.xml configuration, for tests that changed logging. */
public final class TestLogging {
  private TestLogging() {}

  public static void restoreDefault() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    dev.argus.observe.CanonicalLine.fieldsInMessage(true);
    try {
      new ContextInitializer(context).autoConfig();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
