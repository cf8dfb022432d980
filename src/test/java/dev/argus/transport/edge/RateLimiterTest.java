package dev.argus.transport.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argus.config.RateLimitConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private long now;
  private final List<String> limited = new ArrayList<>();

  private RateLimiter limiter(double rate, int burst, int maxClients) {
    return new RateLimiter(
        new RateLimitConfig(rate, burst, "client_address", maxClients), () -> now, limited::add);
  }

  @Test
  void burstThenOneTokenPerIntervalWithTheExactRetryAfter() {
    RateLimiter limiter = limiter(2, 3, 100); // 2 per second, 3 at once

    for (int i = 0; i < 3; i++) {
      limiter.acquire("a", "/predict");
    }
    assertThatThrownBy(() -> limiter.acquire("a", "/predict"))
        .isInstanceOfSatisfying(
            EdgeException.RateLimited.class,
            e -> assertThat(e.retryAfter().toMillis()).isEqualTo(500));
    assertThat(limited).containsExactly("/predict");

    now += TimeUnit.MILLISECONDS.toNanos(500);
    limiter.acquire("a", "/predict"); // one token after half a second
    assertThatThrownBy(() -> limiter.acquire("a", "/predict"))
        .isInstanceOf(EdgeException.RateLimited.class);
    limiter.acquire("b", "/predict"); // another client has its own bucket

    now += TimeUnit.SECONDS.toNanos(60);
    for (int i = 0; i < 3; i++) {
      limiter.acquire("a", "/predict"); // refilled, but never past the burst
    }
    assertThatThrownBy(() -> limiter.acquire("a", "/predict"))
        .isInstanceOf(EdgeException.RateLimited.class);
  }

  @Test
  void idleClientsAreForgottenPastMaxClients() {
    RateLimiter limiter = limiter(1, 1, 2);
    limiter.acquire("a", "/p");
    limiter.acquire("b", "/p");
    now += TimeUnit.SECONDS.toNanos(5); // a and b have refilled
    limiter.acquire("c", "/p");

    assertThat(limiter.clients()).isLessThanOrEqualTo(2);
  }

  @Test
  void clientsRotatingKeysCannotGrowTheBucketsPastTheBound() {
    RateLimiter limiter = limiter(1, 1, 1000);
    for (int i = 0; i < 100_000; i++) {
      limiter.acquire("rotating-" + i, "/p"); // none has refilled: all are partially spent
      assertThat(limiter.clients()).isLessThanOrEqualTo(1000);
    }
  }
}
