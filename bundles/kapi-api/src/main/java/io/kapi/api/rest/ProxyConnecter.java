package io.kapi.api.rest;

import java.util.List;
import java.util.Map;

/**
 * A connecter that forwards whole HTTP requests, as kube's proxy subresources ({@code nodes/proxy},
 * {@code pods/proxy}, {@code services/proxy}): kube routes {@code .../{name}/proxy} and
 * {@code .../{name}/proxy/{path}} to it with any of its {@link #connectMethods()}, and answers what the
 * backend answered (status, headers, body). Discovery lists the methods as kube's verbs (GET get, POST
 * create, PUT update, PATCH patch, DELETE delete). {@link Connecter#connect} is not called for it.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface ProxyConnecter extends Connecter {
    /**
     * One request to forward.
     *
     * @param method the HTTP method
     * @param prefix the request path up to and including the subresource ({@code /api/v1/nodes/n1/proxy}), as sent
     * @param path the rest of the request path, as kube's {@code path} option: empty, or starting with {@code /}
     *             (and ending with one when the request path does)
     * @param query the raw query string, null when there is none
     * @param headers the request's headers by name, as received
     * @param body the request body (empty when there is none)
     * @param remoteAddress the client's address
     */
    record ProxyRequest(String method, String prefix, String path, String query, Map<String, List<String>> headers,
                        byte[] body, String remoteAddress) {
    }

    /** What the backend answered: its status, the headers to send on and its body. */
    record ProxyResponse(int status, Map<String, List<String>> headers, byte[] body) {
    }

    /** Forwards {@code request} to what the object {@code name} resolves to, or throws kube's {@link StatusException}. */
    ProxyResponse proxy(RequestContext ctx, String name, ProxyRequest request);
}
