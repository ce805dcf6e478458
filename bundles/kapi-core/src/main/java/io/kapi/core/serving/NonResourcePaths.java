package io.kapi.core.serving;

import io.kapi.api.server.Director;
import io.kapi.core.endpoints.MediaType;
import io.kapi.core.endpoints.Responses;
import io.kapi.core.metrics.KapiMetrics;
import io.kapi.core.openapi.OpenApi;

/**
 * The core's own non-resource paths, as kube-apiserver's non-API mux serves them: {@code /metrics}
 * (Prometheus text), {@code /version}, {@code /openapi/v2} and {@code /openapi/v3}, and the health
 * endpoints.
 */
final class NonResourcePaths {
    private NonResourcePaths() {
    }

    static Director director(OpenApi openApi, Health health, KapiMetrics metrics, BuildInfo build) {
        Director openapi = openApi.director();
        Director healthz = health.director();
        return (request, resp) -> {
            String path = request.info().path();
            if (path.equals("/metrics")) {
                resp.setStatus(200);
                resp.setContentType(KapiMetrics.contentType());
                metrics.write(resp.getOutputStream());
                return true;
            }
            if (path.equals("/version") || path.equals("/version/")) {
                Responses.write(resp, 200, MediaType.JSON, build.toJson());
                return true;
            }
            return openapi.serve(request, resp) || healthz.serve(request, resp);
        };
    }
}
