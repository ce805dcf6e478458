package io.kapi.core.serving;

import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.Authenticator;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.DelegationTarget;
import io.kapi.api.server.Director;
import io.kapi.api.server.HandlerFilter;
import io.kapi.api.server.KapiRuntime;
import io.kapi.api.server.RequestInfo;
import io.kapi.api.server.ServerContext;
import io.kapi.api.storage.Storage;
import io.kapi.core.discovery.Discovery;
import io.kapi.core.discovery.GroupView;
import io.kapi.core.endpoints.Responses;
import io.kapi.core.endpoints.ServedResource;
import io.kapi.core.filters.Authentication;
import io.kapi.core.filters.Authorization;
import io.kapi.core.filters.AuthorizationPending;
import io.kapi.core.filters.Impersonation;
import io.kapi.core.filters.MaxInFlight;
import io.kapi.core.filters.PanicRecovery;
import io.kapi.core.filters.RequestInfoFilter;
import io.kapi.core.filters.Timeout;
import io.kapi.core.openapi.OpenApi;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The generic server, free of OSGi: contributions come in through {@link #contributions()} and
 * {@link #requestRebuild()}; one rebuild thread turns them into an immutable {@link ServingSnapshot}
 * and swaps it; {@link #service} serves every request from the snapshot it read once.
 *
 * <p>Rules kept here: bind methods only record; rebuilds are coalesced and held while a deployment
 * runs; ranked conflicts are reported as shadowed; a resource leaving the snapshot has its watches
 * ended cleanly while in-flight requests finish on the snapshot they started with; until a complete
 * snapshot serves, and during deployments, unknown API paths answer 503 rather than 404.
 */
public final class KapiServer implements KapiRuntime {
    private static final Logger LOG = Logger.getLogger(KapiServer.class.getName());
    private static final BuildInfo BUILD = BuildInfo.load();
    /**
     * Built-in filter rankings in kube's order ({@code DefaultBuildHandlerChain}): the highest runs
     * first. The in-flight limit sits after authentication, so anonymous floods do not use its slots.
     */
    public static final int PANIC_RANKING = 10000;
    public static final int REQUEST_INFO_RANKING = 9000;
    public static final int METRICS_RANKING = 8500;
    public static final int TIMEOUT_RANKING = 8000;
    public static final int AUTHENTICATION_RANKING = 7000;
    /** Right after authentication, as kube's handler chain runs its impersonation filter. */
    public static final int IMPERSONATION_RANKING = 6500;
    public static final int MAX_IN_FLIGHT_RANKING = 6000;
    public static final int AUTHORIZATION_RANKING = 5000;
    /** Outside authentication: while no authorizer is registered, nothing but the public paths is authenticated at all. */
    public static final int AUTHORIZATION_PENDING_RANKING = 7500;

    private final Contributions contributions = new Contributions();
    private final ScheduledExecutorService rebuilder = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kapi-rebuild");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService requestExecutor;
    private final MaxInFlight maxInFlight = new MaxInFlight(400, 200);
    /** One for every snapshot: what it remembers of the failures it logged outlives rebuilds. */
    private final PanicRecovery panicRecovery = new PanicRecovery();
    private final io.kapi.core.metrics.KapiMetrics metrics = new io.kapi.core.metrics.KapiMetrics(this::metricsState, this::serves);
    /** group/version/resource of every resource the current snapshot serves. */
    private volatile Set<String> servedKeys = Set.of();
    private final io.kapi.core.metrics.RequestMetrics requestMetrics = new io.kapi.core.metrics.RequestMetrics(metrics);
    /** Each group's share of the in-flight budget: half of it, so a stuck group leaves the other half to the rest. */
    private volatile io.kapi.core.filters.GroupBudgets groupBudgets = new io.kapi.core.filters.GroupBudgets(200, 100);
    private final Timeout timeout;
    private final AtomicBoolean rebuildQueued = new AtomicBoolean();
    private final ServedResources.Cache resourceCache = new ServedResources.Cache();
    private volatile ServingSnapshot current;
    private volatile boolean deploying;
    /** The process is shutting down: see {@link #terminationStarted()}. */
    private volatile boolean terminating;
    private volatile long deployments;
    private static final long DEPLOYMENT_HOLD_LIMIT_SECONDS = 120;
    private volatile LongConsumer generationListener = g -> { };
    private long generation;
    /** Served by the core itself at the lowest ranking, so a bundle may replace it. */
    private final Contribution<APIGroupProvider> accessReviews = new Contribution<>(
            new io.kapi.core.authorization.AuthorizationReviews(this::authorizerServices).provider(),
            -1, Integer.MIN_VALUE, 0, "kapi-core", Map.of(APIGroupProvider.SERVER, "kube"));
    /** kube's TokenReview and SelfSubjectReview, served by the core likewise. */
    private final Contribution<APIGroupProvider> selfReviews = new Contribution<>(
            new io.kapi.core.authentication.AuthenticationReviews(this::authenticatorServices, () -> this.apiAudiences).provider(),
            -2, Integer.MIN_VALUE, 0, "kapi-core", Map.of(APIGroupProvider.SERVER, "kube"));
    /** The backend the last snapshot was built on, and the one the post-start hooks last ran against (rebuild thread). */
    private Storage builtBackend;
    private Storage hooksBackend;
    /** What the last snapshot serves from: the watch cache over the backend, or the backend itself (rebuild thread). */
    private Storage servedFrom;
    private final ServingStorage servingStorage = new ServingStorage(metrics, () -> {
        ServingSnapshot s = current;
        return s == null ? List.of() : s.served();
    });
    /** Open watches of a resource that leaves: moved to its successor, or held while it may come back. */
    private final WatchHandover handover = new WatchHandover(rebuilder, this, Duration.ofSeconds(5),
            () -> generationListener.accept(generation));
    /** What post-start hooks are handed: the loopback client over the current snapshot. */
    private final PostStartHooks hooks = new PostStartHooks(rebuilder, () -> new Loopback(() -> current),
            () -> generationListener.accept(generation));


    public KapiServer() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(8, 600, 60, TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "kapi-request");
                    t.setDaemon(true);
                    return t;
                });
        this.requestExecutor = pool;
        this.timeout = new Timeout(Duration.ofSeconds(60), pool);
    }

    public Contributions contributions() {
        return contributions;
    }

    /**
     * How long a resource that left the serving snapshot is waited for (a bundle update stops its bundle
     * before starting it again): its open watches are held and its requests answer 503 meanwhile.
     * Zero ends its watches at once. Default 5 s.
     */
    public void handoverGrace(Duration grace) {
        handover.grace(grace);
    }

    private boolean serves(RequestInfo info) {
        return servedKeys.contains(info.apiGroup() + "/" + info.apiVersion() + "/" + info.resource());
    }

    /** What /metrics reads at each scrape: the current snapshot's watches, stored objects, in-flight requests, groups. */
    private io.kapi.core.metrics.KapiMetrics.State metricsState() {
        Contribution<Storage> top = contributions.backend();
        return new SnapshotMetrics(current, top == null ? null : top.service(), maxInFlight);
    }

    /** kube's {@code --api-audiences}: the service account issuer's once one is registered, kube's usual default before. */
    private volatile List<String> apiAudiences = io.kapi.core.authentication.TokenReviews.DEFAULT_API_AUDIENCES;

    /** The API audiences TokenReview checks tokens for; null for kube's usual default. */
    public void apiAudiences(List<String> audiences) {
        apiAudiences = audiences == null ? io.kapi.core.authentication.TokenReviews.DEFAULT_API_AUDIENCES : List.copyOf(audiences);
    }

    /** How long the namespace controller waits for a group's collection delete before reporting it (30 s). */
    void namespaceDeleteTimeout(long seconds) {
        servingStorage.namespaceDeleteTimeout(seconds);
    }

    /** Each API group's share of in-flight requests (reads, writes); the server's own limits stay 400 and 200. */
    public void groupShares(int readOnly, int mutating) {
        groupBudgets = new io.kapi.core.filters.GroupBudgets(readOnly, mutating);
    }

    /** Called with the new generation after every swap (the OSGi adapter updates service.changecount). */
    public void onGeneration(LongConsumer listener) {
        this.generationListener = listener;
    }

    public synchronized void shutdown() {
        servingStorage.close();
        rebuilder.shutdownNow();
        requestExecutor.shutdownNow();
        timeout.close();
        ServingSnapshot s = current;
        if (s != null) {
            s.served().forEach(ServedResource::closeWatches);
        }
        handover.close();
        io.kapi.core.endpoints.WebSocketWatches.stop();
    }

    // ---- deployment batching

    /** A feature deployment started: hold rebuilds, answer 503 for unknown API paths. */
    public void deploymentStarted() {
        deploying = true;
        long started = ++deployments;
        // fail-safe: a deployment that fails may never report its end; do not hold the surface forever
        try {
            rebuilder.schedule(() -> {
                if (deploying && deployments == started) {
                    LOG.warning("no end of the feature deployment after " + DEPLOYMENT_HOLD_LIMIT_SECONDS + " s; serving again");
                    deploymentFinished();
                }
            }, DEPLOYMENT_HOLD_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // nothing to hold
        }
    }

    /** The deployment finished: one rebuild for everything that changed meanwhile. */
    public void deploymentFinished() {
        deploying = false;
        requestRebuild();
    }

    /** Coalesces rebuild requests: many binds in a row give one rebuild. */
    public void requestRebuild() {
        if (rebuilder.isShutdown()) {
            return;
        }
        if (deploying) {
            return; // deploymentFinished() rebuilds once for everything that changed meanwhile
        }
        if (rebuildQueued.compareAndSet(false, true)) {
            try {
                rebuilder.schedule(() -> {
                rebuildQueued.set(false);
                try {
                    rebuild();
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "rebuild of the serving snapshot failed", e);
                }
            }, 50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                // unbinds after deactivation: nothing to rebuild
            }
        }
    }

    /** Builds and swaps a snapshot now (the rebuild thread, or tests). */
    public synchronized ServingSnapshot rebuild() {
        ServingSnapshot previous = current;
        ServingSnapshot next = build(++generation);
        // what leaves is marked away (503) before the snapshot without it serves, and what the new snapshot serves is
        // known before a group that comes back stops being away: a request still on the snapshot before, reaching
        // "not found", hears "try again" either way, never a 404 for a group that is only being updated
        handover.leaving(previous, next);
        Set<String> keys = new HashSet<>();
        next.served().forEach(r -> keys.add(r.meta().group() + "/" + r.meta().version() + "/" + r.meta().resource()));
        servedKeys = Set.copyOf(keys);
        current = next;
        handover.swapped(previous, next);
        metrics.rebuilt();
        servingStorage.runControllers(servedFrom);
        if (next.complete()) {
            if (builtBackend != hooksBackend) {
                // a new backend is a new start: what the hooks wrote is in the old one only
                if (hooksBackend != null) {
                    hooks.restart();
                }
                hooksBackend = builtBackend;
            }
            hooks.run(contributions);
        }
        generationListener.accept(next.generation());
        return next;
    }

    // ---- building a snapshot

    private ServingSnapshot build(long gen) {
        List<String> failures = new ArrayList<>();
        Contribution<Storage> top = contributions.backend();
        List<String> missing = contributions.missingStorages();
        if (!missing.isEmpty()) {
            failures.add("configured storage " + missing + " is not registered: requests answer 503 until it is");
        }
        builtBackend = top == null ? null : top.service();
        Storage storage = servingStorage.over(builtBackend, failures);
        servedFrom = storage;
        List<Contribution<DelegationTarget>> servers = new ArrayList<>(contributions.servers());
        servers.sort((a, b) -> {
            int c = Integer.compare(a.intProperty(DelegationTarget.ORDER, 1000), b.intProperty(DelegationTarget.ORDER, 1000));
            return c != 0 ? c : a.compareTo(b);
        });
        Set<String> serverNames = new HashSet<>();
        servers.forEach(s -> serverNames.add(s.service().name()));

        // ranked claims: providers are sorted by ranking, so the first claim of a key wins
        List<Contribution<APIGroupProvider>> providers = new ArrayList<>(contributions.providers());
        providers.add(accessReviews);
        providers.add(selfReviews);
        Claims claims = Claims.resolve(providers, serverNames, failures);

        // served resources, reused across snapshots while their contribution and storage stay the same
        ServedResources.Served servedNow = resourceCache.serve(claims.winners.values(), storage, failures);
        List<ServedResource> served = servedNow.resources();
        Map<String, Map<String, GroupBuilder>> groupsByServer = servedNow.groupsByServer();

        // directors in chain order; each server's not-found goes to the next server
        List<List<GroupView>> perServer = new ArrayList<>();
        for (Contribution<DelegationTarget> s : servers) {
            List<GroupView> views = new ArrayList<>();
            groupsByServer.getOrDefault(s.service().name(), Map.of()).values().forEach(b -> views.add(b.build()));
            views.sort((a, b) -> a.group().isEmpty() ? -1 : b.group().isEmpty() ? 1 : 0);
            perServer.add(views);
        }
        boolean complete = storage != null && !servers.isEmpty();
        List<Director> directors = new ArrayList<>();
        List<KapiRuntime.ServerInfo> serverInfos = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            Contribution<DelegationTarget> s = servers.get(i);
            List<GroupView> hosted = perServer.get(i);
            List<GroupView> mergedFromHere = Discovery.merge(perServer.subList(i, perServer.size()));
            ServerContext ctx = new HostedServerContext(hosted, mergedFromHere, () -> groupBudgets);
            try {
                directors.add(s.service().director(ctx));
                serverInfos.add(new KapiRuntime.ServerInfo(s.service().name(), s.intProperty(DelegationTarget.ORDER, 1000),
                        s.bundleId(), s.bundle()));
            } catch (RuntimeException e) {
                failures.add("server " + s.service().name() + " failed to build its director: " + e);
            }
        }
        List<GroupView> all = Discovery.merge(perServer);
        OpenApi openApi = new OpenApi(all);
        // the authorizers first: a security bundle registers its authenticators before its authorizer, so a snapshot
        // with an authorizer has that bundle's authenticators too (AuthorizationPending)
        List<Authorizer> authorizers = authorizerServices();
        List<Authenticator> authenticators = authenticatorServices();
        Health health = Health.forSnapshot(storage, missing, contributions, hooks, () -> complete && !deploying,
                !authorizers.isEmpty(), () -> terminating);
        Director core = NonResourcePaths.director(openApi, health, metrics, BUILD);
        Director notFound = (request, resp) -> {
            notFound(request, resp, complete);
            return true;
        };
        directors.add(core);
        directors.add(notFound);
        Director[] chainDirectors = directors.toArray(new Director[0]);
        HandlerFilter.Chain endpoint = (request, resp) -> {
            for (Director d : chainDirectors) {
                if (d.serve(request, resp)) {
                    return;
                }
            }
        };

        // the filter chain: built-ins and plugins by ranking, highest outermost
        List<Contribution<HandlerFilter>> filters = new ArrayList<>(contributions.filters());
        filters.add(FilterChain.builtin("panic-recovery", PANIC_RANKING, panicRecovery));
        filters.add(FilterChain.builtin("request-info", REQUEST_INFO_RANKING, new RequestInfoFilter()));
        filters.add(FilterChain.builtin("metrics", METRICS_RANKING, requestMetrics));
        filters.add(FilterChain.builtin("max-in-flight", MAX_IN_FLIGHT_RANKING, maxInFlight));
        filters.add(FilterChain.builtin("timeout", TIMEOUT_RANKING, timeout));
        filters.add(FilterChain.builtin("authentication", AUTHENTICATION_RANKING, new Authentication(authenticators)));
        filters.add(FilterChain.builtin("impersonation", IMPERSONATION_RANKING, new Impersonation(authorizers)));
        filters.add(FilterChain.builtin("authorization", AUTHORIZATION_RANKING, new Authorization(authorizers)));
        if (authorizers.isEmpty()) {
            filters.add(FilterChain.builtin("authorization-pending", AUTHORIZATION_PENDING_RANKING, new AuthorizationPending()));
        }
        FilterChain chain = FilterChain.build(filters, endpoint);
        return new ServingSnapshot(gen, complete, chain.chain(), List.copyOf(served), List.copyOf(serverInfos),
                List.copyOf(claims.infos), chain.infos(), List.copyOf(failures),
                top == null ? null : top.property("kapi.storage", top.bundle()));
    }

    private List<Authenticator> authenticatorServices() {
        List<Authenticator> out = new ArrayList<>();
        contributions.authenticators().forEach(a -> out.add(a.service()));
        return out;
    }

    private List<Authorizer> authorizerServices() {
        List<Authorizer> out = new ArrayList<>();
        contributions.authorizers().forEach(a -> out.add(a.service()));
        return out;
    }

    private void notFound(ApiRequest request, HttpServletResponse resp, boolean complete) throws IOException {
        String path = request.info().path();
        boolean api = path.startsWith("/api/") || path.equals("/api") || path.startsWith("/apis");
        if (api && (!complete || deploying)) {
            // controllers act on 404s; while the surface is incomplete, say "try again" (WithMuxAndDiscoveryComplete)
            throw StatusException.serviceUnavailable("the server is currently unable to handle the request", 1);
        }
        RequestInfo info = request.info();
        if (api && info.resourceRequest() && (handover.away(info.apiGroup(), info.apiVersion(), info.resource()) || serves(info))) {
            // the resource left moments ago and may be on its way back (a bundle update), or is served again by the
            // snapshot that replaced the one this request started on: "try again"
            throw StatusException.serviceUnavailable("the server is currently unable to handle the request", 1);
        }
        if (api) {
            throw new StatusException(404, "NotFound", "the server could not find the requested resource");
        }
        Responses.writeText(resp, 404, "404 page not found\n");
    }

    // ---- serving

    public void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (terminating && !exemptWhileTerminating(req.getRequestURI())) {
            // kube's WithRetryAfter once shutdown began: groups are leaving one by one, and a 404 for what is
            // only going away with the process would end clients' watches and informers for good
            resp.setHeader("Connection", "close");
            resp.setHeader("Retry-After", "5");
            Responses.writeText(resp, 429, "The apiserver is shutting down, please try again later.\n");
            return;
        }
        ServingSnapshot snapshot = current;
        if (snapshot == null) {
            resp.setHeader("Retry-After", "1");
            Responses.writeError(resp, req.getHeader("Accept"),
                    StatusException.serviceUnavailable("the server is starting", 1));
            return;
        }
        snapshot.chain().proceed(new ApiRequest(req, null, null), resp);
    }

    /**
     * The process is shutting down (the OSGi framework began to stop): from now on every request but
     * the health probes and metrics is answered as kube-apiserver answers once its shutdown began (429,
     * {@code Retry-After: 5}, the connection closed), and {@code /readyz} fails its {@code shutdown}
     * check, while the bundles stop one after the other.
     */
    public void terminationStarted() {
        if (!terminating) {
            terminating = true;
            LOG.info("shutting down: requests are answered 429 with Retry-After");
        }
    }

    /** The paths kube serves throughout its shutdown (pathPrefixesExemptFromRetryAfter). */
    static boolean exemptWhileTerminating(String path) {
        return path != null && (path.startsWith("/readyz") || path.startsWith("/livez") || path.startsWith("/healthz")
                || path.startsWith("/metrics"));
    }

    // ---- KapiRuntime

    @Override
    public long generation() {
        ServingSnapshot s = current;
        return s == null ? 0 : s.generation();
    }

    @Override
    public boolean ready() {
        ServingSnapshot s = current;
        return s != null && s.complete() && !deploying && !terminating;
    }

    @Override
    public List<ServerInfo> servers() {
        ServingSnapshot s = current;
        return s == null ? List.of() : s.servers();
    }

    @Override
    public List<GroupResourceInfo> resources() {
        ServingSnapshot s = current;
        return s == null ? List.of() : s.resources();
    }

    @Override
    public List<FilterInfo> filters() {
        ServingSnapshot s = current;
        return s == null ? List.of() : s.filters();
    }

    @Override
    public List<HookInfo> hooks() {
        return hooks.infos();
    }

    @Override
    public String storage() {
        ServingSnapshot s = current;
        return s == null ? null : s.storage();
    }

    @Override
    public List<String> failures() {
        ServingSnapshot s = current;
        return s == null ? List.of() : s.failures();
    }

    @Override
    public List<KapiRuntime.WatchInfo> watches() {
        return RuntimeQueries.watches(current);
    }

    @Override
    public KapiRuntime.Resolution resolve(String method, String path) {
        return RuntimeQueries.resolve(current, method, path);
    }
}
