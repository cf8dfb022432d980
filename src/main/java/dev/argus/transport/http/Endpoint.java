package dev.argus.transport.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;

/** One route: the table of these is the router, the endpoint list of {@code GET /}, and the API. */
record Endpoint(Method method, String path, String summary, Handler handler) {}
