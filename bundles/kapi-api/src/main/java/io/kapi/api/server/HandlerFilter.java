package io.kapi.api.server;

import java.io.IOException;
import javax.servlet.http.HttpServletResponse;

/**
 * One filter of the head server's handler chain, ordered by {@code service.ranking} (highest runs
 * first, outermost). Service property {@value #NAME} names it for the shell.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface HandlerFilter {
    String NAME = "kapi.filter.name";

    /** Continues the chain. */
    @FunctionalInterface
    interface Chain {
        void proceed(ApiRequest request, HttpServletResponse response) throws IOException;
    }

    void filter(ApiRequest request, HttpServletResponse response, Chain next) throws IOException;
}
