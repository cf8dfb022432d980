package dev.argus.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * The {@code grpc} section: the Open Inference Protocol over gRPC on a port of its own, on {@code
 * server.host}.
 *
 * @param port {@code 0}: no gRPC server; {@code -1}: any free port (logged, for tests); else the
 *     port
 * @param maxMessageSize the largest request message accepted; larger ones are refused with
 *     RESOURCE_EXHAUSTED before they are read
 * @param reflection whether to serve gRPC server reflection (for {@code grpcurl} without the .proto
 *     files)
 */
public record GrpcConfig(
    int port,
    @JsonDeserialize(using = YamlBinder.ByteSizeDeserializer.class) long maxMessageSize,
    boolean reflection) {
  /** The port value that turns the gRPC server off. */
  public static final int OFF = 0;

  /** The port value that asks for any free port. */
  public static final int ANY_PORT = -1;

  public GrpcConfig {
    Check.that(
        port >= ANY_PORT && port <= 65535,
        "port",
        port,
        "0 for no gRPC server, -1 for any free port, or 1..65535");
    Check.that(
        maxMessageSize >= 1024 && maxMessageSize <= 1024L * 1024 * 1024,
        "max_message_size",
        maxMessageSize,
        "1KiB..1GiB");
  }

  public boolean enabled() {
    return port != OFF;
  }

  /** The port to bind: 0 (the operating system's choice) for {@link #ANY_PORT}. */
  public int bindPort() {
    return port == ANY_PORT ? 0 : port;
  }
}
