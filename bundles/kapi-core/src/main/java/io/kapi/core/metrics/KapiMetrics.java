package io.kapi.core.metrics;

import io.kapi.api.server.RequestInfo;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The server's metrics registry and what records into it. kube's names and labels:
 * {@code apiserver_request_total} and {@code apiserver_request_duration_seconds} (verb, dry_run, group,
 * version, resource, subresource, scope, component; code for the total), {@code
 * apiserver_longrunning_requests}, {@code apiserver_registered_watchers}, {@code
 * apiserver_current_inflight_requests}, {@code apiserver_storage_objects}; Kapi's {@code kapi_snapshot_*}
 * and {@code kapi_served_groups}; the JVM's. Thread-safe.
 */
public final class KapiMetrics {
    /** kube's buckets for apiserver_request_duration_seconds. */
    private static final double[] DURATION_BUCKETS = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6,
        8, 10, 15, 20, 30, 45, 60};
    private static final String COMPONENT = "apiserver";

    /** One open watch, as the callback gauges count them. */
    public record Watching(String group, String version, String resource, String kind, boolean namespaced, int watchers) {
    }

    /** What the server holds now, read at each scrape. */
    public interface State {
        List<Watching> watches();

        /** Objects stored per resource ({@code <resource>.<group>}, kube's label), or an empty list without storage. */
        List<Object[]> storageObjects();

        int inFlight(boolean mutating);

        long generation();

        /** Groups per server. */
        List<Object[]> servedGroups();
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram durations;
    private final Counter rebuilds;
    private final Histogram storageLatency;

    /** kube's valid verbs for the label; any other method is "other". */
    private static final java.util.Set<String> VERBS = java.util.Set.of("APPLY", "CONNECT", "CREATE", "DELETE", "DELETECOLLECTION",
            "GET", "LIST", "PATCH", "POST", "PROXY", "PUT", "UPDATE", "WATCH", "WATCHLIST", "HEAD", "OPTIONS");

    private final java.util.function.Predicate<RequestInfo> served;

    /**
     * @param served whether a request names a resource served now: only those get resource labels, so
     *     paths made up by clients (authenticated or not) cannot add series
     */
    public KapiMetrics(Supplier<State> state, java.util.function.Predicate<RequestInfo> served) {
        this.served = served;
        requests = Counter.builder().name("apiserver_request").help("Counter of apiserver requests broken out for each verb, "
                        + "dry run value, group, version, resource, scope, component, and HTTP response code.")
                .labelNames("verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component", "code")
                .register(registry);
        durations = Histogram.builder().name("apiserver_request_duration_seconds").help("Response latency distribution in "
                        + "seconds for each verb, dry run value, group, version, resource, subresource, scope and component.")
                .labelNames("verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component")
                .classicOnly().classicUpperBounds(DURATION_BUCKETS).register(registry);
        storageLatency = Histogram.builder().name("etcd_request_duration_seconds").help("Etcd request latency in seconds for "
                        + "each operation and object type (here: the storage backend's, whichever it is).")
                .labelNames("operation", "type").classicOnly().classicUpperBounds(DURATION_BUCKETS).register(registry);
        rebuilds = Counter.builder().name("kapi_snapshot_rebuilds").help("Serving snapshots built and swapped in.").register(registry);
        GaugeWithCallback.builder().name("apiserver_longrunning_requests").help("Gauge of all active long-running apiserver "
                        + "requests broken out by verb, group, version, resource, scope and component.")
                .labelNames("verb", "group", "version", "resource", "subresource", "scope", "component")
                .callback(cb -> {
                    for (Watching w : state.get().watches()) {
                        cb.call(w.watchers(), "WATCH", w.group(), w.version(), w.resource(), "", w.namespaced() ? "namespace" : "cluster", COMPONENT);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("apiserver_registered_watchers").help("Number of currently registered watchers for a given resources")
                .labelNames("group", "version", "kind")
                .callback(cb -> {
                    for (Watching w : state.get().watches()) {
                        cb.call(w.watchers(), w.group(), w.version(), w.kind());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("apiserver_current_inflight_requests").help("Maximal number of currently used inflight "
                        + "request limit of this apiserver per request kind in last second.")
                .labelNames("request_kind")
                .callback(cb -> {
                    State s = state.get();
                    cb.call(s.inFlight(false), "readOnly");
                    cb.call(s.inFlight(true), "mutating");
                }).register(registry);
        GaugeWithCallback.builder().name("apiserver_storage_objects").help("Number of stored objects at the time of last check "
                        + "split by kind.")
                .labelNames("resource")
                .callback(cb -> {
                    for (Object[] r : state.get().storageObjects()) {
                        cb.call(((Number) r[1]).doubleValue(), (String) r[0]);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("kapi_snapshot_generation").help("The generation of the serving snapshot.")
                .callback(cb -> cb.call(state.get().generation())).register(registry);
        GaugeWithCallback.builder().name("kapi_served_groups").help("API groups each server of the delegation chain serves.")
                .labelNames("server")
                .callback(cb -> {
                    for (Object[] g : state.get().servedGroups()) {
                        cb.call(((Number) g[1]).doubleValue(), (String) g[0]);
                    }
                }).register(registry);
        // the JVM's, without the allocation metrics: those add GC listeners that would keep this registry
        // (and the bundle's class loader) alive after the server or the bundle goes
        io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics.builder().register(registry);
        io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics.builder().register(registry);
        io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics.builder().register(registry);
        io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics.builder().register(registry);
        io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics.builder().register(registry);
        io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics.builder().register(registry);
        io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric.builder().register(registry);
        io.prometheus.metrics.instrumentation.jvm.ProcessMetrics.builder().register(registry);
    }

    /** {@code backend} with every call timed into {@code etcd_request_duration_seconds}. */
    public io.kapi.api.storage.Storage timed(io.kapi.api.storage.Storage backend) {
        return new TimedStorage(backend, storageLatency);
    }

    /** A snapshot was swapped in. */
    public void rebuilt() {
        rebuilds.inc();
    }

    /** One request served: kube's verb for its method and request info, its status and duration. */
    public void request(RequestInfo info, String method, String contentType, boolean dryRun, int code, long nanos) {
        String verb = verb(info, method, contentType);
        if (!VERBS.contains(verb)) {
            verb = "other";
        }
        boolean labelled = info != null && info.resourceRequest() && served.test(info);
        String group = labelled ? info.apiGroup() : "";
        String version = labelled ? info.apiVersion() : "";
        String resource = labelled ? info.resource() : "";
        String subresource = labelled && info.subresource() != null ? info.subresource() : "";
        String scope = labelled ? scope(info) : "";
        String dry = dryRun ? "All" : "";
        requests.labelValues(verb, dry, group, version, resource, subresource, scope, COMPONENT, Integer.toString(code)).inc();
        if (!verb.equals("WATCH")) {
            durations.labelValues(verb, dry, group, version, resource, subresource, scope, COMPONENT).observe(nanos / 1e9);
        }
    }

    /** kube's canonical verb: LIST and WATCH for collection reads, APPLY for server-side apply, else the method. */
    static String verb(RequestInfo info, String method, String contentType) {
        if (info != null && info.resourceRequest()) {
            switch (info.verb()) {
                case "list":
                    return "LIST";
                case "watch":
                    return "WATCH";
                case "get":
                    return "GET";
                case "deletecollection":
                    return "DELETECOLLECTION";
                case "patch":
                    return contentType != null && contentType.startsWith("application/apply-patch") ? "APPLY" : "PATCH";
                default:
                    break;
            }
        }
        return method.toUpperCase(Locale.ROOT);
    }

    /** kube's scope label: resource (one object), namespace (a namespace's collection), cluster. */
    static String scope(RequestInfo info) {
        if (info == null || !info.resourceRequest()) {
            return "";
        }
        if (info.name() != null && !info.name().isEmpty()) {
            return "resource";
        }
        return info.namespace() != null && !info.namespace().isEmpty() ? "namespace" : "cluster";
    }

    /** The Prometheus text format (version 0.0.4) of every metric now. */
    public void write(OutputStream out) throws IOException {
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    }

    /** The media type of {@link #write}. */
    public static String contentType() {
        return new PrometheusTextFormatWriter(false).getContentType();
    }
}
