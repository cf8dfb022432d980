// Swagger UI over this server's own OpenAPI document. validatorUrl null: Swagger UI would
// otherwise send the document to an outside validator; this page talks to this server only.
'use strict';
window.ui = window.SwaggerUIBundle({
  url: 'openapi.yaml',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  displayRequestDuration: true,
  showMutatedRequest: true,
});
