"""The OpenAPI document and the interactive docs (Swagger UI, served from the
swagger-ui-bundle-v2 package: no CDN, works offline)."""
import json

from werkzeug.wrappers import Response

from gateway.entrypoints import api
from shared.errors import NotFound

DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Urban partnership platform API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
"""
INIT_JS = """window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout", persistAuthorization: false
  });
};
"""
ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png",
          "favicon-16x16.png")
# Swagger UI needs inline styles; scripts only from this origin.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

_cache: dict = {}


def openapi_document() -> bytes:
    if "openapi" not in _cache:
        from gateway.openapi import build
        _cache["openapi"] = json.dumps(build(), separators=(",", ":")).encode()
    return _cache["openapi"]


def asset(name: str) -> bytes:
    if name not in _cache:
        from swagger_ui_bundle import swagger_ui_path
        _cache[name] = (swagger_ui_path / name).read_bytes()
    return _cache[name]


class DocsRoutes:

    @api("GET", "/v1/openapi.json", access="public", tags=["system"], summary="This API's OpenAPI 3.1 document")
    def openapi(self, request):
        return Response(openapi_document(), mimetype="application/json")

    @api("GET", "/docs", access="public", tags=["system"], media="text/html",
         summary="Interactive API documentation (HTML)")
    def docs(self, request):
        return Response(DOCS_PAGE, mimetype="text/html", headers={"Content-Security-Policy": CSP})

    @api("GET", "/docs/<string:name>", access="public", tags=["system"],
         media=("text/css", "text/javascript", "image/png"), summary="Assets of the documentation page")
    def docs_asset(self, request, name):
        if name == "init.js":
            return Response(INIT_JS, mimetype="text/javascript")
        if name not in ASSETS:
            raise NotFound("asset", name)
        mimetype = {".css": "text/css", ".js": "text/javascript", ".png": "image/png"}[name[name.rindex("."):]]
        return Response(asset(name), mimetype=mimetype, headers={"Cache-Control": "public, max-age=86400"})
