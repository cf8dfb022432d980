package dev.argus.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.argus.config.LoggingConfig;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from {@code logging.*}: JSON lines or text, to stdout or stderr, and to a
 * rotated file when {@code logging.file} is set (the console then only gets WARN and above unless
 * {@code logging.console} says otherwise), written by a background thread through a bounded queue
 * ({@link AsyncLog}) unless {@code logging.queue_size} is 0.
 */
public final class LogSetup {
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{24} [%X{request_id:-}] %msg%n";

  private LogSetup() {}

  /**
   * Replaces the logging configuration.
   *
   * @param toStderr true for commands whose stdout is their output ({@code argus predict})
   */
  public static void configure(LoggingConfig config, boolean toStderr) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    routeJavaUtilLogging(context);
    CanonicalLine.fieldsInMessage(!config.format().equals("json"));
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    String threshold = config.consoleThreshold();
    if (threshold != null) {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setContext(context);
      console.setName("console");
      console.setTarget(toStderr ? "System.err" : "System.out");
      console.setEncoder(encoder(config.format(), context));
      if (!threshold.equals("TRACE")) {
        ThresholdFilter filter = new ThresholdFilter();
        filter.setLevel(threshold);
        filter.start();
        console.addFilter(filter);
      }
      console.start();
      appenders.add(console);
    }
    config.logFile().ifPresent(file -> appenders.add(fileAppender(config, file, context)));
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(config.level(), Level.INFO));
    if (config.queueSize() == 0) {
      appenders.forEach(root::addAppender);
      return;
    }
    AsyncLog async = new AsyncLog(config.queueSize());
    async.setContext(context);
    async.setName("async");
    appenders.forEach(async::addAppender);
    async.start();
    root.addAppender(async);
  }

  /**
   * Writes what the background writer still holds (for at most two seconds) and stops logging to
   * the configured appenders; the last thing a stopping server does.
   */
  public static void drain() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Appender<ILoggingEvent> async =
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("async");
    if (async != null) {
      async.stop();
    }
  }

  /**
   * Sends java.util.logging (the OpenTelemetry SDK's, ONNX Runtime's Java side) through Logback, so
   * those lines come out in the same format, JSON included, instead of as plain multi-line text on
   * stderr. Logback's level changes are propagated to JUL, so a disabled level costs nothing.
   */
  static void routeJavaUtilLogging(LoggerContext context) {
    if (!org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
      org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
      org.slf4j.bridge.SLF4JBridgeHandler.install();
    }
    ch.qos.logback.classic.jul.LevelChangePropagator propagator =
        new ch.qos.logback.classic.jul.LevelChangePropagator();
    propagator.setContext(context);
    propagator.setResetJUL(true);
    context.addListener(propagator);
    propagator.start();
  }

  /** Levels a logger can be set to at run time. */
  public static final java.util.List<String> LEVELS =
      java.util.List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  /** The effective level of {@code logger} ({@code ROOT} for the root logger). */
  public static String level(String logger) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    return context.getLogger(logger).getEffectiveLevel().toString();
  }

  /**
   * Sets the level of {@code logger} ({@code ROOT} for all) until the next restart.
   *
   * @return the effective level it had before
   * @throws IllegalArgumentException for a level not in {@link #LEVELS}
   */
  public static String setLevel(String logger, String level) {
    if (!LEVELS.contains(level)) {
      throw new IllegalArgumentException(
          "level: '" + level + "' (expected: one of " + String.join(", ", LEVELS) + ")");
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger target = context.getLogger(logger);
    String before = target.getEffectiveLevel().toString();
    target.setLevel(Level.toLevel(level));
    return before;
  }

  /**
   * A file that rolls daily and when it reaches {@code file_max_size}, keeping {@code
   * file_max_history} days, rolled files gzipped unless {@code file_compression} is {@code none};
   * the same format as the console.
   */
  private static RollingFileAppender<ILoggingEvent> fileAppender(
      LoggingConfig config, String file, LoggerContext context) {
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setName("file");
    appender.setFile(file);
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(context);
    policy.setParent(appender);
    // gzip runs on a logback thread when the file rolls; at zlib's fastest level (FastGzip) it
    // costs about half a µs of CPU per 100 bytes logged (docs/performance.md).
    boolean gzip = config.fileCompression().equals("gzip");
    policy.setFileNamePattern(file + ".%d{yyyy-MM-dd}.%i" + (gzip ? ".gz" : ""));
    policy.setMaxFileSize(new FileSize(config.fileMaxSize()));
    policy.setMaxHistory(config.fileMaxHistory());
    policy.setTotalSizeCap(new FileSize(config.fileMaxSize() * (config.fileMaxHistory() + 1L)));
    policy.start();
    if (gzip) {
      FastGzip.install(policy);
    }
    appender.setRollingPolicy(policy);
    appender.setEncoder(encoder(config.format(), context));
    appender.start();
    return appender;
  }

  private static Encoder<ILoggingEvent> encoder(String format, LoggerContext context) {
    if (format.equals("json")) {
      JsonLineEncoder json = new JsonLineEncoder();
      json.setContext(context);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(TEXT_PATTERN);
    text.start();
    return text;
  }
}
