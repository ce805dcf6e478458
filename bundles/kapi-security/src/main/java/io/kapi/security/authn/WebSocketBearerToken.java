package io.kapi.security.authn;

import io.kapi.api.rest.StatusException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Enumeration;
import java.util.Locale;
import javax.servlet.http.HttpServletRequest;

/**
 * The bearer token a WebSocket client passes as a subprotocol, as kube's websocket
 * {@code ProtocolAuthenticator} reads it: browsers cannot set an {@code Authorization} header on a
 * WebSocket, so the token travels as {@code base64url.bearer.authorization.k8s.io.<base64url of the
 * token, unpadded>} beside at least one real subprotocol, which is the one the server echoes. Only
 * WebSocket upgrade requests are read. Stateless.
 */
public final class WebSocketBearerToken {
    /** The prefix of the subprotocol that carries the token. */
    public static final String PROTOCOL_PREFIX = "base64url.bearer.authorization.k8s.io.";

    private WebSocketBearerToken() {
    }

    /**
     * The token of the request's subprotocols; null when it is no WebSocket upgrade or names no token.
     * A malformed one (two tokens, bad encoding, not UTF-8, no other subprotocol) is 401, as kube's
     * authenticator errors are.
     */
    public static String of(HttpServletRequest request) {
        if (!isWebSocketRequest(request)) {
            return null;
        }
        String token = null;
        int others = 0;
        for (Enumeration<String> e = request.getHeaders("Sec-WebSocket-Protocol"); e != null && e.hasMoreElements(); ) {
            for (String protocol : e.nextElement().split(",", -1)) {
                protocol = protocol.strip();
                if (!protocol.startsWith(PROTOCOL_PREFIX)) {
                    others++;
                    continue;
                }
                if (token != null) {
                    throw StatusException.unauthorized();
                }
                token = decode(protocol.substring(PROTOCOL_PREFIX.length()));
            }
        }
        if (token == null || token.isEmpty()) {
            return null;
        }
        if (others == 0) {
            throw StatusException.unauthorized();
        }
        return token;
    }

    /** Go's {@code wsstream.IsWebSocketRequest}: {@code Connection} names upgrade, {@code Upgrade} is websocket. */
    static boolean isWebSocketRequest(HttpServletRequest request) {
        String connection = request.getHeader("Connection");
        return connection != null && connection.toLowerCase(Locale.ROOT).contains("upgrade")
                && "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    }

    private static String decode(String encoded) {
        if (encoded.contains("=")) {
            throw StatusException.unauthorized(); // Go's RawURLEncoding refuses padding
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw StatusException.unauthorized();
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw StatusException.unauthorized();
        }
    }
}
