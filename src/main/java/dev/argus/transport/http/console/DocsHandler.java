package dev.argus.transport.http.console;

import dev.argus.transport.http.Endpoint;
import dev.argus.transport.http.Routes;
import io.helidon.http.Method;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /docs}: Swagger UI over {@code /openapi.yaml}, from the Swagger UI WebJar in the jar
 * (no CDN), so an API client can be tried from the browser, including a real {@code POST /predict}
 * with a photo.
 */
public final class DocsHandler implements Routes {
  /**
   * The Swagger UI version of the WebJar on the classpath (pom.xml, {@code swagger-ui.version}).
   */
  static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/5.34.1/";

  private static final String HERE = "dev/argus/transport/http/console/";

  // Swagger UI sets inline styles; everything else, scripts included, comes from this origin.
  private static final String POLICY =
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
          + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private final StaticFiles page =
      new StaticFiles(Map.of("docs", new StaticFiles.File(HERE + "docs.html", HTML)), POLICY);
  private final StaticFiles assets =
      new StaticFiles(
          Map.of(
              "swagger-ui-bundle.js", new StaticFiles.File(SWAGGER_UI + "swagger-ui-bundle.js", JS),
              "swagger-ui.css", new StaticFiles.File(SWAGGER_UI + "swagger-ui.css", CSS),
              "favicon-32x32.png", new StaticFiles.File(SWAGGER_UI + "favicon-32x32.png", PNG),
              "LICENSE.txt",
                  new StaticFiles.File(SWAGGER_UI + "swagger-ui-bundle.js.LICENSE.txt", TEXT),
              "docs.js", new StaticFiles.File(HERE + "docs.js", JS)),
          POLICY);

  static final String HTML = "text/html; charset=utf-8";
  static final String JS = "text/javascript; charset=utf-8";
  static final String CSS = "text/css; charset=utf-8";
  static final String PNG = "image/png";
  static final String TEXT = "text/plain; charset=utf-8";

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(
            Method.GET,
            "/docs",
            "Interactive API page (Swagger UI) over /openapi.yaml",
            (req, res) -> page.send(req, res, "docs")),
        Endpoint.open(
            Method.GET,
            "/docs/assets/{file}",
            "Files of the API page (Swagger UI, from its WebJar)",
            (req, res) -> assets.send(req, res, req.path().pathParameters().get("file"))));
  }
}
