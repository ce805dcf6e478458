package io.kapi.api.server;

import java.util.List;

/**
 * What the core offers a server while it builds the server's director for a snapshot.
 */
@org.osgi.annotation.versioning.ProviderType
public interface ServerContext {
    /** The groups (with versions) this server hosts in the snapshot being built. */
    List<String> hostedGroups();

    /** The API routes of the hosted groups: resources, and {@code /api/v1}, {@code /apis/<g>[/<v>]} discovery. */
    Director hostedApis();

    /**
     * Root discovery ({@code /api}, {@code /apis}, legacy and aggregated v2) merged from this server
     * and every server behind it, as kube-aggregator serves it at the head.
     */
    Director mergedRootDiscovery();
}
