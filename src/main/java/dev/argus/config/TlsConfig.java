package dev.argus.config;

import java.util.Optional;

/**
 * The {@code tls} section: serve HTTPS from a PEM certificate chain and a PEM (PKCS#8) private key.
 * Both empty (the default): plain HTTP.
 */
public record TlsConfig(String certFile, String keyFile) {
  public TlsConfig {
    certFile = certFile == null ? "" : certFile.trim();
    keyFile = keyFile == null ? "" : keyFile.trim();
    Check.that(
        certFile.isEmpty() == keyFile.isEmpty(),
        certFile.isEmpty() ? "cert_file" : "key_file",
        "(empty)",
        "set together with " + (certFile.isEmpty() ? "key_file" : "cert_file"));
  }

  public boolean enabled() {
    return !certFile.isEmpty();
  }

  public Optional<String> cert() {
    return enabled() ? Optional.of(certFile) : Optional.empty();
  }
}
