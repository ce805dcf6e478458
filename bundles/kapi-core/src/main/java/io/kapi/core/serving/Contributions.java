package io.kapi.core.serving;

import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.server.Authenticator;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.DelegationTarget;
import io.kapi.api.server.HandlerFilter;
import io.kapi.api.server.HealthCheck;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.storage.Storage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The current set of contributions, each kind an immutable sorted list replaced under a lock
 * (Felix HTTP's registries do the same). Bind/unbind calls are cheap and never wait on requests.
 */
public final class Contributions {
    private volatile List<Contribution<DelegationTarget>> servers = List.of();
    private volatile List<Contribution<APIGroupProvider>> providers = List.of();
    private volatile List<Contribution<HandlerFilter>> filters = List.of();
    private volatile List<Contribution<Authenticator>> authenticators = List.of();
    private volatile List<Contribution<Authorizer>> authorizers = List.of();
    private volatile List<Contribution<Storage>> storages = List.of();
    private volatile List<Contribution<HealthCheck>> healthChecks = List.of();
    private volatile List<Contribution<PostStartHook>> hooks = List.of();
    /** Storage backends (their {@code kapi.storage} names) that are configured, so their service must be awaited. */
    private volatile Set<String> expectedStorages = Set.of();

    private static <T> List<Contribution<T>> with(List<Contribution<T>> list, Contribution<T> c) {
        List<Contribution<T>> copy = new ArrayList<>(list);
        copy.removeIf(x -> x.serviceId() == c.serviceId());
        copy.add(c);
        Collections.sort(copy);
        return List.copyOf(copy);
    }

    private static <T> List<Contribution<T>> without(List<Contribution<T>> list, long serviceId) {
        List<Contribution<T>> copy = new ArrayList<>(list);
        copy.removeIf(x -> x.serviceId() == serviceId);
        return List.copyOf(copy);
    }

    public synchronized void addServer(Contribution<DelegationTarget> c) { servers = with(servers, c); }
    public synchronized void removeServer(long id) { servers = without(servers, id); }
    public synchronized void addProvider(Contribution<APIGroupProvider> c) { providers = with(providers, c); }
    public synchronized void removeProvider(long id) { providers = without(providers, id); }
    public synchronized void addFilter(Contribution<HandlerFilter> c) { filters = with(filters, c); }
    public synchronized void removeFilter(long id) { filters = without(filters, id); }
    public synchronized void addAuthenticator(Contribution<Authenticator> c) { authenticators = with(authenticators, c); }
    public synchronized void removeAuthenticator(long id) { authenticators = without(authenticators, id); }
    public synchronized void addAuthorizer(Contribution<Authorizer> c) { authorizers = with(authorizers, c); }
    public synchronized void removeAuthorizer(long id) { authorizers = without(authorizers, id); }
    public synchronized void addStorage(Contribution<Storage> c) { storages = with(storages, c); }
    public synchronized void removeStorage(long id) { storages = without(storages, id); }
    public synchronized void addHealthCheck(Contribution<HealthCheck> c) { healthChecks = with(healthChecks, c); }
    public synchronized void removeHealthCheck(long id) { healthChecks = without(healthChecks, id); }
    public synchronized void addHook(Contribution<PostStartHook> c) { hooks = with(hooks, c); }
    public synchronized void removeHook(long id) { hooks = without(hooks, id); }

    public List<Contribution<DelegationTarget>> servers() { return servers; }
    public List<Contribution<APIGroupProvider>> providers() { return providers; }
    public List<Contribution<HandlerFilter>> filters() { return filters; }
    public List<Contribution<Authenticator>> authenticators() { return authenticators; }
    public List<Contribution<Authorizer>> authorizers() { return authorizers; }
    public List<Contribution<Storage>> storages() { return storages; }

    /** Declares the storage backends that are configured (e.g. {@code etc/io.kapi.storage.etcd.cfg} exists). */
    public void expectStorages(Set<String> names) { expectedStorages = Set.copyOf(names); }

    /** Configured backends whose service is not registered (yet), sorted; empty when none is missing. */
    public List<String> missingStorages() {
        Set<String> present = new java.util.HashSet<>();
        for (Contribution<Storage> c : storages) {
            Object name = c.properties().get("kapi.storage");
            if (name != null) {
                present.add(name.toString());
            }
        }
        return expectedStorages.stream().filter(n -> !present.contains(n)).sorted().toList();
    }

    /**
     * The backend to serve from: the highest-ranked storage service, or none while a configured
     * backend has not registered (serving from a lower-ranked one meanwhile would write where the
     * configured backend never sees it, e.g. the embedded store while etcd's component starts).
     */
    public Contribution<Storage> backend() {
        List<Contribution<Storage>> s = storages;
        return s.isEmpty() || !missingStorages().isEmpty() ? null : s.get(0);
    }
    public List<Contribution<HealthCheck>> healthChecks() { return healthChecks; }
    public List<Contribution<PostStartHook>> hooks() { return hooks; }
}
