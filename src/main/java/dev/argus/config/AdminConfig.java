package dev.argus.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code admin} section: the token that guards the endpoints that change the server. With no
 * token, those endpoints are off (404), not open.
 */
public record AdminConfig(String token, String tokenFile, int port) {
  /** Shorter tokens are refused: a guessable token is worse than none. */
  static final int MIN_TOKEN_LENGTH = 16;

  public AdminConfig {
    token = token == null ? "" : token.trim();
    tokenFile = tokenFile == null ? "" : tokenFile.trim();
    // The value is never echoed: it is a secret.
    Check.that(
        token.isEmpty() || token.length() >= MIN_TOKEN_LENGTH,
        "token",
        "(hidden, " + token.length() + " characters)",
        "empty, or at least " + MIN_TOKEN_LENGTH + " characters");
    Check.that(
        token.isEmpty() || tokenFile.isEmpty(), "token_file", tokenFile, "unset when token is set");
    Check.that(
        port >= -1 && port <= 65535,
        "port",
        port,
        "-1 for the main port, 0 for any free port, or 1..65535");
  }

  /**
   * The admin token: {@code token}, or the trimmed contents of {@code token_file}; empty when admin
   * endpoints are off.
   *
   * @throws ConfigException when the file cannot be read or holds too short a token
   */
  public Optional<String> resolveToken() {
    if (!token.isEmpty()) {
      return Optional.of(token);
    }
    if (tokenFile.isEmpty()) {
      return Optional.empty();
    }
    String read;
    try {
      read = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).trim();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          "admin.token_file: "
              + tokenFile
              + " (expected: a readable file holding the token): "
              + e);
    }
    if (read.length() < MIN_TOKEN_LENGTH) {
      throw new ConfigException(
          "admin.token_file: "
              + tokenFile
              + " holds "
              + read.length()
              + " characters (expected: at least "
              + MIN_TOKEN_LENGTH
              + ")");
    }
    return Optional.of(read);
  }
}
