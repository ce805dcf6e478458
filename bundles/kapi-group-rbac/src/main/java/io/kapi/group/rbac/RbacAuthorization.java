package io.kapi.group.rbac;

import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.server.PostStartHookContext;
import io.kapi.api.server.RequestInfo;
import io.kapi.api.server.RuleResolver;
import io.kapi.api.storage.Storage;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * kube's RBAC authorizer, after the privileged-group one (ranking 900, below its 1000): the roles and bindings are
 * followed by list and watch over the loopback client its post-start hook is handed, and each request is decided on
 * the state they are in ({@link RbacPolicy}); a request no rule allows gets no opinion, which the chain turns into
 * kube's 403. Until the four lists are in it has no opinion on anything; its hook waits for them, so {@code /readyz}
 * reports ready once RBAC is in force. A RuleResolver too: SelfSubjectRulesReview ({@code kubectl auth can-i --list})
 * lists the rules bound to the user. Thread-safe: requests read the current policy, replaced whole on each change.
 */
@Component(service = {Authorizer.class, PostStartHook.class}, property = {"service.ranking:Integer=900", "kapi.authorizer=rbac"})
public final class RbacAuthorization implements Authorizer, RuleResolver, PostStartHook {
    private static final Logger LOG = Logger.getLogger(RbacAuthorization.class.getName());
    private static final long RETRY_MILLIS = 1000;
    private static final long SYNC_WAIT_SECONDS = 10;
    private static final List<String> RESOURCES = List.of("clusterroles", "roles", "clusterrolebindings", "rolebindings");

    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kapi-rbac-informers");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch synced = new CountDownLatch(1);
    private volatile RbacPolicy policy;
    private List<Informer> informers;
    private boolean stopped;

    @Activate
    public RbacAuthorization(@Reference(policyOption = ReferencePolicyOption.GREEDY) Storage storage) {
        // the reference re-creates this component, and so its informers, on a new backend
    }

    /** The policy in force; null until the roles and bindings are listed. */
    RbacPolicy policy() {
        return policy;
    }

    @Override
    public Decision authorize(UserInfo user, RequestInfo request) {
        return decide(user, request).decision();
    }

    /** With kube's reasons: the binding that allowed the request, or the roles that bindings of the user name and are missing. */
    @Override
    public Verdict decide(UserInfo user, RequestInfo request) {
        RbacPolicy p = policy;
        return p != null && user != null ? p.decide(user, request) : new Verdict(Decision.NO_OPINION, "");
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        RbacPolicy p = policy;
        if (p == null) {
            return new Rules(List.of(), List.of(), true, "RBAC: the roles and bindings are not listed yet");
        }
        return user == null ? Rules.NONE : p.rules(user, namespace);
    }

    @Override
    public String name() {
        return "rbac/authorizer-sync";
    }

    @Override
    public void run(PostStartHookContext context) throws InterruptedException {
        LoopbackClient client = context.loopback();
        for (String resource : RESOURCES) {
            // a 404 while RBAC is not served yet makes the hook run again with a later snapshot
            client.resource(Rbac.GROUP, "v1", resource);
        }
        synchronized (this) {
            if (informers == null && !stopped) {
                informers = RESOURCES.stream().map(resource -> new Informer(resource, () -> client.resource(Rbac.GROUP, "v1", resource),
                        worker, RETRY_MILLIS, this::changed)).toList();
                informers.forEach(Informer::start);
            }
        }
        long start = System.nanoTime();
        if (!synced.await(SYNC_WAIT_SECONDS, TimeUnit.SECONDS)) {
            LOG.warning("the RBAC roles and bindings are not listed after " + SYNC_WAIT_SECONDS + " s; RBAC allows nothing until they are");
        } else if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(1)) {
            // readiness waits for this hook: a slow first list shows in /readyz, and here is why
            LOG.info("the RBAC roles and bindings were listed after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        }
    }

    /** On the worker, after any informer's change: the policy rebuilt once all four have listed. */
    private void changed() {
        List<Informer> all = informers;
        if (all == null || !all.stream().allMatch(Informer::synced)) {
            return;
        }
        policy = new RbacPolicy(all.get(0).objects(), all.get(1).objects(), all.get(2).objects(), all.get(3).objects());
        synced.countDown();
    }

    @Deactivate
    synchronized void stop() {
        stopped = true;
        policy = null;
        if (informers != null) {
            informers.forEach(Informer::close);
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warning("the RBAC informers did not stop within 5 s; interrupting them");
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            LOG.log(Level.FINE, "interrupted while stopping the RBAC informers", e);
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
