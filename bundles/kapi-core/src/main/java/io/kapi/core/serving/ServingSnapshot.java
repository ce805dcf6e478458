package io.kapi.core.serving;

import io.kapi.api.server.HandlerFilter;
import io.kapi.api.server.KapiRuntime;
import io.kapi.core.endpoints.ServedResource;
import java.util.List;

/**
 * Everything one request needs, immutable: the full handler chain (filters, then the directors in
 * chain order), the served resources, and the description the runtime service publishes. A request
 * reads the current snapshot once; a rebuild builds a new one and swaps it with one volatile write.
 */
public record ServingSnapshot(long generation, boolean complete, HandlerFilter.Chain chain,
                              List<ServedResource> served, List<KapiRuntime.ServerInfo> servers,
                              List<KapiRuntime.GroupResourceInfo> resources, List<KapiRuntime.FilterInfo> filters,
                              List<String> failures, String storage) {
}
