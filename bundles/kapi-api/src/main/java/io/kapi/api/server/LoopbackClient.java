package io.kapi.api.server;

import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.UserInfo;
import java.util.List;

/**
 * The served resources, for code inside the server (kube's loopback client, minus HTTP): the REST
 * storage serving a group/version/resource in the current serving snapshot — its strategy's
 * defaulting and validation and its storage — and the identity to call it with. What the HTTP path
 * adds before the storage (authorization, strict decoding of a body, managed fields) is not applied.
 */
@org.osgi.annotation.versioning.ProviderType
public interface LoopbackClient {
    /** kube's loopback identity: {@code system:apiserver} in {@code system:masters}. */
    UserInfo SYSTEM = new UserInfo("system:apiserver", "", List.of("system:masters"));

    /**
     * The store serving {@code resource} of {@code group}/{@code version} ("" for the core group).
     *
     * @throws io.kapi.api.rest.StatusException 404 when no bundle serves it now (a post-start hook that
     *     lets it through runs again with the next snapshot)
     */
    RestStore resource(String group, String version, String resource);

    /** A request context for {@code namespace} ("" for cluster-scoped resources) as {@link #SYSTEM}. */
    static RequestContext context(String namespace) {
        return new RequestContext(namespace, SYSTEM, false, null);
    }
}
