// The interactive docs of this server: Swagger UI over the served /openapi.yaml.
// docs/openapi.yaml names the default local server (http://127.0.0.1:8080); "Try it out"
// requests are sent to the server that served this page instead, whatever its host and port.
window.addEventListener("load", function () {
  var documented = "http://127.0.0.1:8080";
  var here = window.location.href.replace(/\/docs\/?([?#].*)?$/, "");
  window.ui = SwaggerUIBundle({
    url: "openapi.yaml",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      if (request.url.indexOf(documented) === 0) {
        request.url = here + request.url.substring(documented.length);
      }
      return request;
    }
  });
});
