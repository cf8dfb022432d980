package dev.argus.observe.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which request headers a capture keeps: those of {@code capture.headers}, except credentials,
 * which are never written even if listed: {@code Authorization} (the admin token too), {@code
 * Proxy-Authorization}, {@code Cookie}, {@code Set-Cookie}, and any name that speaks of a key, a
 * token, a secret, a password, a session or authentication ({@code X-API-Key}, {@code
 * X-Auth-Token}, ...).
 */
final class HeaderPolicy {
  private static final Set<String> CREDENTIALS =
      Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");
  private static final List<String> CREDENTIAL_WORDS =
      List.of("auth", "cookie", "token", "secret", "passw", "session", "apikey", "api-key");

  private final List<String> kept;
  private final List<String> refused;

  HeaderPolicy(List<String> listed) {
    List<String> k = new ArrayList<>();
    List<String> r = new ArrayList<>();
    for (String name : listed) {
      String n = name.toLowerCase(Locale.ROOT);
      (credential(n) ? r : k).add(n);
    }
    this.kept = List.copyOf(k);
    this.refused = List.copyOf(r);
  }

  /** True for a header that may hold a credential: it is never captured. */
  static boolean credential(String lowerCaseName) {
    if (CREDENTIALS.contains(lowerCaseName) || lowerCaseName.endsWith("-key")) {
      return true;
    }
    for (String w : CREDENTIAL_WORDS) {
      if (lowerCaseName.contains(w)) {
        return true;
      }
    }
    return false;
  }

  /** The names kept, lower case. */
  List<String> kept() {
    return kept;
  }

  /** The names listed that will not be kept because they may hold credentials. */
  List<String> refused() {
    return refused;
  }
}
