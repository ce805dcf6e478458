package io.kapi.server.apiextensions;

import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.server.PostStartHookContext;
import io.kapi.api.storage.Storage;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Starts the {@link CrdController} once the server serves CustomResourceDefinitions (its post-start
 * hook, {@code start-apiextensions-controllers} as kube names it), and registers the API group of each
 * group of custom resources as a group provider of the apiextensions server: the serving snapshot takes
 * it up as it takes up a group bundle, and drops it (draining its requests) when its last definition goes.
 */
@Component(service = PostStartHook.class)
public final class CrdControllers implements PostStartHook {
    private final BundleContext context;
    private final Storage storage;
    private final Map<String, ServiceRegistration<APIGroupProvider>> groups = new HashMap<>();
    private CrdController controller;
    private boolean stopped;

    @Activate
    public CrdControllers(BundleContext context, @Reference(policyOption = ReferencePolicyOption.GREEDY) Storage storage) {
        // the reference re-creates this component, and so its controller, on a new backend
        this.context = context;
        this.storage = storage;
    }

    @Override
    public String name() {
        return "start-apiextensions-controllers";
    }

    @Override
    public void run(PostStartHookContext hook) {
        // a 404 while CRDs are not served yet makes the hook run again with a later snapshot
        hook.loopback().resource(CrdGroupProvider.GROUP, "v1", CrdGroupProvider.RESOURCE);
        synchronized (this) {
            if (controller != null || stopped) {
                return;
            }
            controller = new CrdController(hook.loopback(), storage, this::publish);
            controller.start();
        }
    }

    private synchronized void publish(String group, CrdGroup served) {
        if (stopped) {
            return;
        }
        ServiceRegistration<APIGroupProvider> before = groups.remove(group);
        if (served != null) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(APIGroupProvider.SERVER, "apiextensions");
            groups.put(group, context.registerService(APIGroupProvider.class, served, props));
        }
        if (before != null) {
            before.unregister();
        }
    }

    @Deactivate
    synchronized void stop() {
        stopped = true;
        if (controller != null) {
            controller.close();
            controller = null;
        }
        for (ServiceRegistration<APIGroupProvider> r : groups.values()) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        groups.clear();
    }
}
