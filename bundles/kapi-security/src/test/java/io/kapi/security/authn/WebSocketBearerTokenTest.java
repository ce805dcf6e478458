package io.kapi.security.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kapi.api.rest.StatusException;
import io.kapi.security.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of kube's websocket ProtocolAuthenticator (authentication/request/websocket/protocol.go). */
class WebSocketBearerTokenTest {
    @TempDir
    Path dir;

    private static String protocol(String token) {
        return WebSocketBearerToken.PROTOCOL_PREFIX
                + Base64.getUrlEncoder().withoutPadding().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpServletRequest upgrade(String protocols) {
        Map<String, String> headers = new HashMap<>(Map.of("Connection", "Upgrade", "Upgrade", "websocket"));
        if (protocols != null) {
            headers.put("Sec-WebSocket-Protocol", protocols);
        }
        return TestCa.request(Map.of(), headers);
    }

    @Test
    void theTokenComesFromItsSubprotocolBesideAnother() {
        assertEquals("secret1", WebSocketBearerToken.of(upgrade("v4.channel.k8s.io, " + protocol("secret1"))));
        assertEquals("secret1", WebSocketBearerToken.of(upgrade(protocol("secret1") + ",watch")));
        assertNull(WebSocketBearerToken.of(upgrade("v4.channel.k8s.io")), "no token: no credential");
        assertNull(WebSocketBearerToken.of(upgrade(null)));
        assertNull(WebSocketBearerToken.of(upgrade(WebSocketBearerToken.PROTOCOL_PREFIX + ",x")), "an empty token is none");
        // not a WebSocket upgrade: never read
        assertNull(WebSocketBearerToken.of(TestCa.request(Map.of(), Map.of("Sec-WebSocket-Protocol", "x," + protocol("secret1")))));
    }

    @Test
    void malformedTokensAre401() {
        for (String bad : new String[] {
                protocol("secret1"), // no other subprotocol to echo
                "x," + protocol("a") + "," + protocol("b"), // two tokens
                "x," + WebSocketBearerToken.PROTOCOL_PREFIX + "c2VjcmV0MQ==", // padded: Go's RawURLEncoding refuses it
                "x," + WebSocketBearerToken.PROTOCOL_PREFIX + "not*base64",
                "x," + WebSocketBearerToken.PROTOCOL_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe}),
        }) {
            StatusException e = assertThrows(StatusException.class, () -> WebSocketBearerToken.of(upgrade(bad)), bad);
            assertEquals(401, e.code());
        }
    }

    @Test
    void theTokenAuthenticatorReadsItWhenNoHeaderHasOne() throws Exception {
        Path file = dir.resolve("tokens.csv");
        Files.writeString(file, "secret1,alice,u1\n");
        TokenAuthenticator authn = new TokenAuthenticator(file);
        assertEquals("alice", authn.authenticate(upgrade("watch," + protocol("secret1"))).name());
        assertThrows(StatusException.class, () -> authn.authenticate(upgrade("watch," + protocol("wrong"))));
    }
}
