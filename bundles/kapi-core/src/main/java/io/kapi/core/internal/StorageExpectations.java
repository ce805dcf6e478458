package io.kapi.core.internal;

import io.kapi.core.serving.KapiServer;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Tells the server which storage backends are configured: a configuration {@code io.kapi.storage.<name>}
 * (Karaf: {@code etc/io.kapi.storage.<name>.cfg}) means the backend registering {@code kapi.storage=<name>}
 * is expected. Until it has registered the server serves nothing (503, {@code /readyz} failing) rather than
 * the lower-ranked embedded store, which registers first at every start and would otherwise take writes
 * the configured backend never sees.
 */
final class StorageExpectations {
    static final String PID_PREFIX = "io.kapi.storage.";
    private static final Logger LOG = Logger.getLogger(StorageExpectations.class.getName());

    private StorageExpectations() {
    }

    /** The backend names of these configuration PIDs. */
    static Set<String> names(Iterable<String> pids) {
        Set<String> names = new TreeSet<>();
        for (String pid : pids) {
            if (pid != null && pid.startsWith(PID_PREFIX) && pid.length() > PID_PREFIX.length()) {
                names.add(pid.substring(PID_PREFIX.length()));
            }
        }
        return names;
    }

    /** Starts following the configurations; returns what to close on deactivation. */
    static AutoCloseable register(BundleContext context, KapiServer server) {
        ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> admins = new ServiceTracker<>(context, ConfigurationAdmin.class, null) {
            @Override
            public ConfigurationAdmin addingService(ServiceReference<ConfigurationAdmin> ref) {
                ConfigurationAdmin admin = super.addingService(ref);
                refresh(admin, server);
                return admin;
            }
        };
        admins.open();
        ConfigurationListener listener = event -> {
            if (event.getPid() != null && event.getPid().startsWith(PID_PREFIX)) {
                refresh(admins.getService(), server);
            }
        };
        Dictionary<String, Object> props = new Hashtable<>();
        ServiceRegistration<ConfigurationListener> registration = context.registerService(ConfigurationListener.class, listener, props);
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
            admins.close();
        };
    }

    private static synchronized void refresh(ConfigurationAdmin admin, KapiServer server) {
        if (admin == null) {
            return;
        }
        try {
            Configuration[] configs = admin.listConfigurations("(service.pid=" + PID_PREFIX + "*)");
            java.util.List<String> pids = new java.util.ArrayList<>();
            if (configs != null) {
                for (Configuration c : configs) {
                    pids.add(c.getPid());
                }
            }
            server.contributions().expectStorages(names(pids));
            server.requestRebuild();
        } catch (IOException | InvalidSyntaxException e) {
            LOG.log(Level.WARNING, "could not read the storage configurations", e);
        }
    }
}
