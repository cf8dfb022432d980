package dev.argus.transport.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;

/**
 * One route, declared by the handler that serves it. The table of these is the router, the endpoint
 * list of {@code GET /}, and what the OpenAPI test checks.
 */
public record Endpoint(Method method, String path, String summary, Access access, Handler handler) {
  /** Who may call an endpoint, and where it is served. */
  public enum Access {
    /** Anyone, on the main listener. */
    OPEN,
    /** Anyone within their rate limit ({@code rate_limit.*}): the inference endpoints. */
    RATE_LIMITED,
    /** With the admin token only, on the admin listener when {@code admin.port} is set. */
    ADMIN,
    /**
     * Anyone, but where the admin endpoints are (the admin listener when {@code admin.port} is
     * set): the files of a page that holds no data itself and reads it from admin endpoints, which
     * must then be on the same origin.
     */
    ADMIN_PAGE;

    /** Whether the endpoint moves to the admin listener when {@code admin.port} is set. */
    public boolean adminListener() {
      return this == ADMIN || this == ADMIN_PAGE;
    }
  }

  public static Endpoint open(Method method, String path, String summary, Handler handler) {
    return new Endpoint(method, path, summary, Access.OPEN, handler);
  }

  public static Endpoint limited(Method method, String path, String summary, Handler handler) {
    return new Endpoint(method, path, summary, Access.RATE_LIMITED, handler);
  }

  public static Endpoint admin(Method method, String path, String summary, Handler handler) {
    return new Endpoint(method, path, summary, Access.ADMIN, handler);
  }

  /** An endpoint of {@code access}, for handlers whose access depends on configuration. */
  public static Endpoint of(
      Access access, Method method, String path, String summary, Handler handler) {
    return new Endpoint(method, path, summary, access, handler);
  }
}
