package io.kapi.api.server;

import java.io.IOException;
import javax.servlet.http.HttpServletResponse;

/**
 * A server's unprotected handler: its routing table (API routes, then non-API paths). Immutable and
 * thread-safe; built once per serving snapshot.
 */
@FunctionalInterface
@org.osgi.annotation.versioning.ConsumerType
public interface Director {
    /** Serves the request if this server owns its path; returns false (having written nothing) otherwise. */
    boolean serve(ApiRequest request, HttpServletResponse response) throws IOException;
}
