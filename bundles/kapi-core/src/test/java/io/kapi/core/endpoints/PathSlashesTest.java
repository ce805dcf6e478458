package io.kapi.core.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PathSlashesTest {
    @Test
    void trailingSlashesGoAsTheRegularExpressionTookThem() {
        for (String path : new String[] {"/readyz", "/readyz/", "/readyz///", "/", "///", "", "/apis/apps/v1/", "/a//b/"}) {
            assertEquals(path.replaceAll("/+$", ""), PathSlashes.trimTrailing(path), path);
        }
    }
}
