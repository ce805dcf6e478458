package io.kapi.core.authentication;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.http.HttpServletRequest;

/**
 * The request kube's TokenReview hands its authenticators: nothing but an {@code Authorization: Bearer
 * <token>} header ({@code fakeReq := &http.Request{Header: ...}} in {@code tokenreview/storage.go}). No
 * client certificate, no other header, no path, no body: an authenticator that reads anything else finds
 * no credential in it. Its attributes carry the audiences asked for and accepted
 * ({@link io.kapi.api.server.TokenAudiences}). Every other method answers null, false or zero.
 */
final class BearerTokenRequest {
    private BearerTokenRequest() {
    }

    static HttpServletRequest of(String token, Map<String, Object> attributes) {
        String value = "Bearer " + token;
        Map<String, Object> attrs = new ConcurrentHashMap<>(attributes);
        return (HttpServletRequest) Proxy.newProxyInstance(BearerTokenRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    boolean authorization = args != null && args.length == 1 && "Authorization".equalsIgnoreCase(String.valueOf(args[0]));
                    switch (method.getName()) {
                        case "getAttribute":
                            return attrs.get(String.valueOf(args[0]));
                        case "setAttribute":
                            if (args[1] == null) {
                                attrs.remove(String.valueOf(args[0]));
                            } else {
                                attrs.put(String.valueOf(args[0]), args[1]);
                            }
                            return null;
                        case "removeAttribute":
                            attrs.remove(String.valueOf(args[0]));
                            return null;
                        case "getAttributeNames":
                            return Collections.enumeration(List.copyOf(attrs.keySet()));
                        case "getHeader":
                            return authorization ? value : null;
                        case "getHeaders":
                            return Collections.enumeration(authorization ? List.of(value) : List.of());
                        case "getHeaderNames":
                            return Collections.enumeration(List.of("Authorization"));
                        case "getParameterNames":
                        case "getLocales":
                            return Collections.emptyEnumeration();
                        case "getIntHeader":
                            return -1;
                        case "getDateHeader":
                        case "getContentLengthLong":
                            return -1L;
                        case "getContentLength":
                            return -1;
                        case "toString":
                            return "TokenReview request";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            Class<?> type = method.getReturnType();
                            if (type == boolean.class) {
                                return false;
                            }
                            if (type == int.class) {
                                return 0;
                            }
                            if (type == long.class) {
                                return 0L;
                            }
                            return null;
                    }
                });
    }
}
