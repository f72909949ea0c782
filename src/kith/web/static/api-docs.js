// Kith API docs: starts Swagger UI on /api/openapi.json. A file, not an inline script: the CSP allows
// scripts from 'self' only. "Try it out" calls carry the page's CSRF token, which cookie-authenticated
// changes need (calls with an "Authorization: Bearer" token do not).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  window.ui = window.SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (csrf && method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
        request.headers["X-CSRF-Token"] = csrf;
      }
      return request;
    },
  });
});
