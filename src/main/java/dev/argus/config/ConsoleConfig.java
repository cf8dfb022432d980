package dev.argus.config;

/**
 * The {@code console} section: the operator console at {@code /console} and the API page at {@code
 * /docs}, whether their data needs the admin token, and where a trace id links to.
 *
 * @param traceUrl a URL template with {@code {trace_id}}, e.g. {@code
 *     http://jaeger:16686/trace/{trace_id}}; empty: trace ids are shown without a link
 */
public record ConsoleConfig(boolean enabled, boolean requireToken, String traceUrl) {
  /** The placeholder {@link #traceUrl} must hold. */
  public static final String TRACE_ID = "{trace_id}";

  public ConsoleConfig {
    traceUrl = traceUrl == null ? "" : traceUrl.trim();
    Check.that(
        traceUrl.isEmpty()
            || ((traceUrl.startsWith("http://") || traceUrl.startsWith("https://"))
                && traceUrl.contains(TRACE_ID)
                && traceUrl.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '<' || c == '>')),
        "trace_url",
        traceUrl,
        "empty, or an http:// or https:// URL holding " + TRACE_ID + " and no spaces or quotes");
  }

  /** The link to the trace {@code traceId} (32 hex digits), when a template is set. */
  public java.util.Optional<String> traceLink(String traceId) {
    return traceUrl.isEmpty() || traceId.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(traceUrl.replace(TRACE_ID, traceId));
  }
}
