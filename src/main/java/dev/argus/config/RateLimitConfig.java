package dev.argus.config;

/**
 * The {@code rate_limit} section: a token bucket per client on the inference endpoints. {@code
 * requests_per_second} 0 (the default) turns it off.
 */
public record RateLimitConfig(double requestsPerSecond, int burst, String key, int maxClients) {
  public RateLimitConfig {
    key = key == null ? "client_address" : key.trim();
    Check.that(
        requestsPerSecond >= 0, "requests_per_second", requestsPerSecond, ">= 0, 0 for no limit");
    Check.that(burst >= 0, "burst", burst, ">= 0, 0 for the same as requests_per_second");
    Check.that(
        key.equals("client_address") || key.matches("header:[A-Za-z0-9-]{1,64}"),
        "key",
        key,
        "client_address, or header:<name> such as header:X-API-Key");
    Check.that(maxClients >= 1, "max_clients", maxClients, ">= 1");
  }

  public boolean enabled() {
    return requestsPerSecond > 0;
  }

  /** Tokens a client may spend at once. */
  public int effectiveBurst() {
    return burst > 0 ? burst : (int) Math.max(1, Math.ceil(requestsPerSecond));
  }

  /** The header that identifies a client, when {@code key} names one. */
  public java.util.Optional<String> header() {
    return key.startsWith("header:")
        ? java.util.Optional.of(key.substring("header:".length()))
        : java.util.Optional.empty();
  }
}
