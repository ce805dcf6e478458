package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.util.Base64;

/** Continue tokens as kube encodes them: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key after prefix>"}. */
record ContinueToken(long revision, String startAfter) {
    static String encode(long revision, String lastKey, String prefix) {
        ObjectNode t = Json.object();
        t.put("v", "meta.k8s.io/v1");
        t.put("rv", revision);
        t.put("start", lastKey.substring(prefix.length()) + "\u0000");
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(t));
    }

    static ContinueToken decode(String token, String prefix) {
        try {
            byte[] raw = Base64.getUrlDecoder().decode(token.replace('+', '-').replace('/', '_').replace("=", ""));
            ObjectNode t = Json.parseObject(raw);
            if (!"meta.k8s.io/v1".equals(Json.text(t, "v"))) {
                throw new IllegalArgumentException("unsupported version");
            }
            long rv = t.path("rv").asLong(0);
            String start = Json.text(t, "start");
            if (rv <= 0 || start.isEmpty() || start.contains("..") || start.startsWith("/")) {
                throw new IllegalArgumentException("bad token");
            }
            if (start.endsWith("\u0000")) {
                start = start.substring(0, start.length() - 1);
            }
            return new ContinueToken(rv, prefix + start);
        } catch (IOException | RuntimeException e) {
            throw StatusException.badRequest("continue key is not valid: " + e.getMessage());
        }
    }
}
