package dev.argus.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code cors} section: which browser origins may call Argus. No origins (the default): CORS is
 * off, browsers get no {@code Access-Control-*} headers and preflights are refused.
 */
public record CorsConfig(
    List<String> allowedOrigins,
    List<String> allowedMethods,
    List<String> allowedHeaders,
    Duration maxAge) {
  public CorsConfig {
    allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    allowedMethods =
        allowedMethods == null
            ? List.of()
            : allowedMethods.stream().map(m -> m.trim().toUpperCase(Locale.ROOT)).toList();
    allowedHeaders =
        allowedHeaders == null
            ? List.of()
            : allowedHeaders.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    for (String origin : allowedOrigins) {
      Check.that(
          origin.equals("*") || origin.matches("https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?"),
          "allowed_origins",
          origin,
          "'*' or origins like https://app.example.com[:port], without a path");
    }
    Check.that(
        maxAge != null && !maxAge.isNegative(),
        "max_age",
        maxAge,
        ">= 0 (how long browsers may cache a preflight)");
  }

  public boolean enabled() {
    return !allowedOrigins.isEmpty();
  }
}
