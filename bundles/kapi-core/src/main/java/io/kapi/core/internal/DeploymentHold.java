package io.kapi.core.internal;

import io.kapi.core.serving.KapiServer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Holds rebuilds while Karaf deploys features (as OpenDaylight's KarafYangModuleInfoRegistry does),
 * so a feature install gives one rebuild at its end. Karaf's features API is an optional import:
 * outside Karaf nothing is registered.
 */
final class DeploymentHold {
    private DeploymentHold() {
    }

    static ServiceRegistration<?> register(BundleContext context, KapiServer server) {
        try {
            Class.forName("org.apache.karaf.features.DeploymentListener");
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            return null;
        }
        return Karaf.register(context, server);
    }

    /** Separate class so the Karaf types load only when present. */
    private static final class Karaf {
        static ServiceRegistration<?> register(BundleContext context, KapiServer server) {
            org.apache.karaf.features.DeploymentListener listener = event -> {
                switch (event) {
                    case DEPLOYMENT_STARTED -> server.deploymentStarted();
                    case DEPLOYMENT_FINISHED -> server.deploymentFinished();
                    default -> { }
                }
            };
            return context.registerService(org.apache.karaf.features.DeploymentListener.class, listener, null);
        }
    }
}
