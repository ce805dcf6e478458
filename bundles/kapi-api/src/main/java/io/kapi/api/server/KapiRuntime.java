package io.kapi.api.server;

import java.util.List;

/**
 * Describes the running server, from the current serving snapshot. Published with
 * {@code service.changecount} equal to {@link #generation()}; tests wait on it instead of sleeping.
 */
@org.osgi.annotation.versioning.ProviderType
public interface KapiRuntime {

    /** The generation of the serving snapshot; every swap bumps it. */
    long generation();

    /** Whether a complete snapshot is serving (no deployment in progress). */
    boolean ready();

    List<ServerInfo> servers();

    List<GroupResourceInfo> resources();

    List<FilterInfo> filters();

    List<HookInfo> hooks();

    /**
     * The storage backend serving requests: its {@code kapi.storage} service property (e.g.
     * {@code embedded}, {@code etcd}), or null while there is none.
     */
    String storage();

    /** Contributions that could not be used (bad definitions, exceptions while building). */
    List<String> failures();

    /** The open watches, per resource and user. */
    List<WatchInfo> watches();

    /**
     * What would serve a request for {@code method} and {@code path} (a query after {@code ?} is read
     * for {@code watch}) in the current snapshot: the server, the resource and its bundle; for a path no
     * group serves, the resource fields are empty and the server is the one that answers it last.
     */
    Resolution resolve(String method, String path);

    record WatchInfo(String group, String version, String resource, String user, int count) {
    }

    /**
     * @param verb kube's verb for the request (get, list, watch, create, ...)
     * @param server the server whose director serves it ({@code kube}, ...; the head for non-resource paths)
     * @param bundle the bundle serving the resource, or "" for non-resource paths and unknown resources
     */
    record Resolution(String verb, boolean resourceRequest, String group, String version, String resource, String subresource,
                      String server, String bundle) {
    }

    record ServerInfo(String name, int order, long bundleId, String bundle) {
    }

    /**
     * One group/version/resource claim. {@code shadowedBy} is null for the serving claim, else the
     * bundle that won over it.
     */
    record GroupResourceInfo(String group, String version, String resource, String kind, String server,
                             String bundle, long bundleId, int ranking, String shadowedBy) {
        public boolean shadowed() {
            return shadowedBy != null;
        }
    }

    record FilterInfo(String name, int ranking, String bundle) {
    }

    record HookInfo(String name, String server, String state, String error) {
    }
}
