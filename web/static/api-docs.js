/* The API documentation page (/schema): Swagger UI from the app's own static files, reading the
   schema from /schema/openapi.json; calls that change something carry the CSRF cookie's value. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (c) { return c.indexOf(name + "=") === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : undefined;
  }
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // no badge fetched from the internet
    requestInterceptor: function (request) {
      var token = cookie("csrftoken");
      if (token !== undefined) { request.headers["x-csrftoken"] = token; }
      return request;
    }
  });
})();
