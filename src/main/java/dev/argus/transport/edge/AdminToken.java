package dev.argus.transport.edge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The rule for endpoints that change the server, for every protocol. With no {@code admin.token}
 * they are off (not found, so nothing is open by accident); with one, a request needs {@code Bearer
 * <token>}: none is unauthorized, a wrong one forbidden. Tokens are compared as SHA-256 digests
 * with {@link MessageDigest#isEqual}, in time that does not depend on where they differ or on their
 * lengths.
 */
public final class AdminToken {
  private static final String BEARER = "Bearer ";

  private final Optional<byte[]> tokenDigest;

  public AdminToken(Optional<String> token) {
    this.tokenDigest = token.map(AdminToken::sha256);
  }

  public boolean enabled() {
    return tokenDigest.isPresent();
  }

  /**
   * Admits the caller of {@code method target} whose {@code Authorization} value is given.
   *
   * @throws EdgeException.RouteNotFound when admin endpoints are off
   * @throws EdgeException.Unauthorized when no bearer token is given
   * @throws EdgeException.Forbidden when it is not the admin token
   */
  public void check(String method, String target, Optional<String> authorization) {
    if (tokenDigest.isEmpty()) {
      throw EdgeException.RouteNotFound.off(
          method,
          target,
          "admin endpoints are off: set admin.token or admin.token_file to enable them");
    }
    String header = authorization.orElse("");
    if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new EdgeException.Unauthorized(
          "admin endpoint: no admin token (expected: header Authorization: Bearer <admin.token>)");
    }
    byte[] given = sha256(header.substring(BEARER.length()).trim());
    if (!MessageDigest.isEqual(given, tokenDigest.get())) {
      throw new EdgeException.Forbidden("admin endpoint: the token is not the admin token");
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
