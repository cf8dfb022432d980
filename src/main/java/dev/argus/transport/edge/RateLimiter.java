package dev.argus.transport.edge;

import dev.argus.config.RateLimitConfig;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A token bucket per client (its address, or a header such as an API key) in front of the inference
 * endpoints: {@code requests_per_second} tokens a second, up to {@code burst} saved. A client
 * without a token gets 429 with {@code Retry-After}, distinct from the 503 of a full queue: the
 * server has room, this client has used its share. At most {@code max_clients} buckets are kept;
 * past that, full (idle) buckets are dropped first.
 */
public final class RateLimiter {
  private final RateLimitConfig config;
  private final double tokensPerNano;
  private final double burst;
  private final LongSupplier clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final Consumer<String> onLimited;

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }

  public RateLimiter(RateLimitConfig config, LongSupplier clock, Consumer<String> onLimited) {
    this.config = config;
    this.tokensPerNano = config.requestsPerSecond() / 1e9;
    this.burst = config.effectiveBurst();
    this.clock = clock;
    this.onLimited = onLimited;
  }

  public boolean enabled() {
    return config.enabled();
  }

  /**
   * The bucket key of a client: the configured header's value ({@code rate_limit.key}) when the
   * request has one, else its address.
   */
  public String clientKey(Function<String, Optional<String>> header, String address) {
    if (config.header().isPresent()) {
      Optional<String> value = header.apply(config.header().get());
      if (value.isPresent() && !value.get().isBlank()) {
        return "h:" + value.get();
      }
    }
    return "a:" + address;
  }

  /**
   * Takes one token of {@code client}'s bucket.
   *
   * @throws EdgeException.RateLimited when there is none
   */
  public void acquire(String client, String route) {
    long now = clock.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
    double waitNanos;
    synchronized (bucket) {
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updated) * tokensPerNano);
      bucket.updated = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        trim();
        return;
      }
      waitNanos = (1 - bucket.tokens) / tokensPerNano;
    }
    onLimited.accept(route);
    throw new EdgeException.RateLimited(
        "rate limit: "
            + config.requestsPerSecond()
            + " requests per second (burst "
            + (int) burst
            + ") per "
            + (config.header().isPresent() ? config.header().get() : "client address")
            + " (rate_limit.*)",
        Duration.ofNanos((long) Math.ceil(waitNanos)));
  }

  /**
   * Keeps at most {@code max_clients} buckets, even against clients that rotate their keys: first
   * forgets buckets that have refilled (nothing changes for those clients), then, if that is not
   * enough, any buckets down to 90% (those clients get a fresh burst: a bounded gift, unlike
   * unbounded memory). Runs only when over the bound, so its cost is spread over many requests.
   */
  private void trim() {
    if (buckets.size() <= config.maxClients()) {
      return;
    }
    long now = clock.getAsLong();
    Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator();
    while (it.hasNext()) {
      Bucket b = it.next().getValue();
      synchronized (b) {
        if (b.tokens + (now - b.updated) * tokensPerNano >= burst) {
          it.remove();
        }
      }
    }
    int target = (int) (config.maxClients() * 0.9);
    it = buckets.entrySet().iterator();
    while (buckets.size() > target && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  int clients() {
    return buckets.size();
  }
}
