package dev.argus.transport.http;

import dev.argus.service.ArgusException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Guards the endpoints that change the server. With no {@code admin.token} they are off (404, so
 * nothing is open by accident); with one, a request needs {@code Authorization: Bearer <token>}:
 * none is 401, a wrong one 403. Tokens are compared as SHA-256 digests with {@link
 * MessageDigest#isEqual}, in time that does not depend on where they differ or on their lengths.
 */
final class AdminGuard {
  private static final String BEARER = "Bearer ";

  private final Optional<byte[]> tokenDigest;

  AdminGuard(Optional<String> token) {
    this.tokenDigest = token.map(AdminGuard::sha256);
  }

  boolean enabled() {
    return tokenDigest.isPresent();
  }

  /** {@code handler}, admitted only with the admin token. */
  Handler guard(Handler handler) {
    return (req, res) -> {
      check(req);
      handler.handle(req, res);
    };
  }

  void check(ServerRequest req) {
    if (tokenDigest.isEmpty()) {
      throw ArgusException.NotFound.offRoute(
          req.prologue().method().text(),
          req.path().path(),
          "admin endpoints are off: set admin.token or admin.token_file to enable them");
    }
    String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
    if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new ArgusException.Unauthorized(
          "admin endpoint: no admin token (expected: header Authorization: Bearer <admin.token>)");
    }
    byte[] given = sha256(header.substring(BEARER.length()).trim());
    if (!MessageDigest.isEqual(given, tokenDigest.get())) {
      throw new ArgusException.Forbidden("admin endpoint: the token is not the admin token");
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
