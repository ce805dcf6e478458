package io.kapi.core.filters;

import io.kapi.core.endpoints.PathSlashes;

/** The non-resource paths every user (also anonymous) may read, as kube's system:public-info-viewer. */
public final class PublicPaths {
    private PublicPaths() {
    }

    public static boolean isPublic(String path) {
        String p = PathSlashes.trimTrailing(path);
        return p.equals("/healthz") || p.startsWith("/healthz/") || p.equals("/livez") || p.startsWith("/livez/")
                || p.equals("/readyz") || p.startsWith("/readyz/") || p.equals("/version");
    }
}
