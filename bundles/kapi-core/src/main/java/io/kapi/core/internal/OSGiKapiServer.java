package io.kapi.core.internal;

import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.server.Authenticator;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.DelegationTarget;
import io.kapi.api.server.HandlerFilter;
import io.kapi.api.server.HealthCheck;
import io.kapi.api.server.KapiRuntime;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.server.ServiceAccountTokens;
import io.kapi.api.storage.Storage;
import io.kapi.core.serving.Contribution;
import io.kapi.core.serving.KapiServer;
import java.io.IOException;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Adapts {@link KapiServer} to OSGi: dynamic greedy references whose bind methods only record an
 * immutable {@link Contribution} and ask for a rebuild; the servlet on the HTTP Whiteboard; the
 * {@link KapiRuntime} service whose {@code service.changecount} follows the snapshot generation.
 */
@Component(immediate = true, service = {})
public final class OSGiKapiServer {
    private final KapiServer server = new KapiServer();
    /** The service account issuer in force (guarded by this). */
    private ServiceAccountTokens issuer;
    private ServiceRegistration<Servlet> servletRegistration;
    private ServiceRegistration<KapiRuntime> runtimeRegistration;
    private AutoCloseable deploymentHold;
    private BundleContext context;
    /** Synchronous: a STOPPING event reaches only synchronous listeners. */
    private SynchronousBundleListener frameworkStopping;
    private AutoCloseable storageExpectations;
    private AutoCloseable frameworkStartup;

    private static <T> Contribution<T> record(T service, ServiceReference<T> ref) {
        Map<String, Object> props = new HashMap<>();
        for (String key : ref.getPropertyKeys()) {
            props.put(key, ref.getProperty(key));
        }
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        return new Contribution<>(service, (Long) ref.getProperty(Constants.SERVICE_ID),
                ranking instanceof Integer i ? i : 0, ref.getBundle().getBundleId(),
                ref.getBundle().getSymbolicName(), props);
    }

    private static long id(ServiceReference<?> ref) {
        return (Long) ref.getProperty(Constants.SERVICE_ID);
    }

    @Activate
    void activate(BundleContext context) {
        Dictionary<String, Object> runtimeProps = new Hashtable<>();
        runtimeProps.put(Constants.SERVICE_CHANGECOUNT, 0L);
        runtimeRegistration = context.registerService(KapiRuntime.class, server, runtimeProps);
        server.onGeneration(gen -> {
            ServiceRegistration<KapiRuntime> reg = runtimeRegistration;
            if (reg != null) {
                Dictionary<String, Object> p = new Hashtable<>();
                p.put(Constants.SERVICE_CHANGECOUNT, gen);
                try {
                    reg.setProperties(p);
                } catch (IllegalStateException unregistered) {
                    // shutting down
                }
            }
        });
        // the framework's stop begins with the system bundle STOPPING, before any bundle stops: kube's shutdown
        // signal (groups then leave one by one, and what leaves must not look gone for good to clients)
        frameworkStopping = event -> {
            if (event.getBundle().getBundleId() == 0 && event.getType() == BundleEvent.STOPPING) {
                server.terminationStarted();
            }
        };
        context.addBundleListener(frameworkStopping);
        this.context = context;
        deploymentHold = DeploymentHold.register(context, server);
        storageExpectations = StorageExpectations.register(context, server);
        server.requestRebuild();
        // served once the framework has started every bundle of its start, the API groups among them
        frameworkStartup = FrameworkStartup.register(context, this::registerServlet);
    }

    /**
     * Kapi's servlet, as kube-apiserver's listener, comes once every API group of the start is installed: the
     * connectors accept from then on (the Jetty tuning fragment's {@code AcceptOnceKapiServes}), so no client is
     * answered 404 for a group still on its way, and no TLS handshake of a client retrying meanwhile takes the CPU
     * the start needs.
     */
    private synchronized void registerServlet() {
        if (context == null || servletRegistration != null) {
            return; // deactivated meanwhile, or registered already
        }
        HttpServlet servlet = new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                server.service(req, resp);
            }
        };
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/*");
        props.put("osgi.http.whiteboard.servlet.name", "kapi");
        props.put("osgi.http.whiteboard.servlet.asyncSupported", true);
        servletRegistration = context.registerService(Servlet.class, servlet, props);
    }

    @Deactivate
    synchronized void deactivate() {
        try {
            context.removeBundleListener(frameworkStopping);
        } catch (IllegalStateException stopped) {
            // the bundle's context is no longer valid: its listeners went with it
        }
        for (AutoCloseable c : new AutoCloseable[] {deploymentHold, storageExpectations, frameworkStartup}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // the features or configuration service is going away as well
                }
            }
        }
        for (ServiceRegistration<?> r : new ServiceRegistration<?>[] {servletRegistration, runtimeRegistration}) {
            if (r != null) {
                try {
                    r.unregister();
                } catch (IllegalStateException ignored) {
                    // already gone with the bundle
                }
            }
        }
        runtimeRegistration = null;
        servletRegistration = null;
        context = null;
        server.shutdown();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindServer(DelegationTarget s, ServiceReference<DelegationTarget> ref) {
        server.contributions().addServer(record(s, ref));
        server.requestRebuild();
    }

    void unbindServer(DelegationTarget s, ServiceReference<DelegationTarget> ref) {
        server.contributions().removeServer(id(ref));
        server.requestRebuild();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindProvider(APIGroupProvider p, ServiceReference<APIGroupProvider> ref) {
        server.contributions().addProvider(record(p, ref));
        server.requestRebuild();
    }

    void unbindProvider(APIGroupProvider p, ServiceReference<APIGroupProvider> ref) {
        server.contributions().removeProvider(id(ref));
        server.requestRebuild();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindFilter(HandlerFilter f, ServiceReference<HandlerFilter> ref) {
        server.contributions().addFilter(record(f, ref));
        server.requestRebuild();
    }

    void unbindFilter(HandlerFilter f, ServiceReference<HandlerFilter> ref) {
        server.contributions().removeFilter(id(ref));
        server.requestRebuild();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindAuthenticator(Authenticator a, ServiceReference<Authenticator> ref) {
        server.contributions().addAuthenticator(record(a, ref));
        server.requestRebuild();
    }

    void unbindAuthenticator(Authenticator a, ServiceReference<Authenticator> ref) {
        server.contributions().removeAuthenticator(id(ref));
        server.requestRebuild();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindAuthorizer(Authorizer a, ServiceReference<Authorizer> ref) {
        server.contributions().addAuthorizer(record(a, ref));
        server.requestRebuild();
    }

    void unbindAuthorizer(Authorizer a, ServiceReference<Authorizer> ref) {
        server.contributions().removeAuthorizer(id(ref));
        server.requestRebuild();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindStorage(Storage s, ServiceReference<Storage> ref) {
        server.contributions().addStorage(record(s, ref));
        server.requestRebuild();
    }

    void unbindStorage(Storage s, ServiceReference<Storage> ref) {
        server.contributions().removeStorage(id(ref));
        server.requestRebuild();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindHealthCheck(HealthCheck h, ServiceReference<HealthCheck> ref) {
        server.contributions().addHealthCheck(record(h, ref));
        server.requestRebuild();
    }

    void unbindHealthCheck(HealthCheck h, ServiceReference<HealthCheck> ref) {
        server.contributions().removeHealthCheck(id(ref));
        server.requestRebuild();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindHook(PostStartHook h, ServiceReference<PostStartHook> ref) {
        server.contributions().addHook(record(h, ref));
        server.requestRebuild();
    }

    void unbindHook(PostStartHook h, ServiceReference<PostStartHook> ref) {
        server.contributions().removeHook(id(ref));
        server.requestRebuild();
    }

    /** The issuer's audiences are the API's (kube's {@code --api-audiences}). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindServiceAccountTokens(ServiceAccountTokens t) {
        issuer = t;
        server.apiAudiences(t.apiAudiences());
    }

    synchronized void unbindServiceAccountTokens(ServiceAccountTokens t) {
        // a replacement is bound before the one it replaces is unbound
        if (issuer == t) {
            issuer = null;
            server.apiAudiences(null);
        }
    }
}
