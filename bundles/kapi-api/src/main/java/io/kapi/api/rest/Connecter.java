package io.kapi.api.rest;

import java.util.List;
import java.util.Map;

/**
 * A subresource that connects to something behind the object rather than reading or writing it, as
 * kube's {@code rest.Connecter} and {@code rest.ResourceStreamer}: {@code pods/log}, {@code pods/exec},
 * {@code pods/attach}, {@code pods/portforward}. It takes the request's query parameters as its options
 * and answers a body of its own content type (or a {@link StatusException}).
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Connecter {
    /** What one connection answered. */
    record Response(String contentType, byte[] body) {
    }

    /** The HTTP methods it answers ({@code GET}, {@code POST}); discovery lists them as get and create. */
    List<String> connectMethods();

    /**
     * Answers {@code method} on the subresource of the object {@code name}.
     *
     * @param parameters the request's query parameters, each with its values in order
     */
    Response connect(RequestContext ctx, String name, String method, Map<String, List<String>> parameters);
}
