// Swagger UI for this app's own spec only: the spec URL comes from the page, never from the query string
// (queryConfigEnabled: false), so a link cannot make this origin render someone else's spec.
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    queryConfigEnabled: false,
    deepLinking: true,
    persistAuthorization: false,
    // "Authorize" takes the token as the tokens page shows it; the "Bearer " prefix is added here
    // when it is missing (Swagger 2.0's apiKey scheme sends the field verbatim).
    requestInterceptor: function (request) {
      var value = request.headers && request.headers.Authorization;
      if (value && !/^Bearer\s/i.test(value)) {
        request.headers.Authorization = "Bearer " + value.trim();
      }
      return request;
    },
  });
})();
