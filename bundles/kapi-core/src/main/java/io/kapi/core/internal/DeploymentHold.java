package io.kapi.core.internal;

import io.kapi.core.serving.KapiServer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Holds rebuilds while Karaf deploys features, as OpenDaylight's FeatureDeploymentListener does: a
 * {@code DeploymentListener} registered with the {@code FeaturesService} (Karaf calls only listeners
 * registered there, and replays the last event on registration). Karaf's features API is an optional
 * import: outside Karaf nothing is tracked.
 */
final class DeploymentHold {
    private DeploymentHold() {
    }

    /** Returns something to close on deactivation, or null outside Karaf. */
    static AutoCloseable register(BundleContext context, KapiServer server) {
        try {
            Class.forName("org.apache.karaf.features.FeaturesService");
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            return null;
        }
        return Karaf.track(context, server);
    }

    /** Separate class so the Karaf types load only when present. */
    private static final class Karaf {
        static AutoCloseable track(BundleContext context, KapiServer server) {
            org.apache.karaf.features.DeploymentListener listener = event -> {
                switch (event) {
                    case DEPLOYMENT_STARTED -> server.deploymentStarted();
                    case DEPLOYMENT_FINISHED -> server.deploymentFinished();
                    default -> { }
                }
            };
            ServiceTracker<org.apache.karaf.features.FeaturesService, org.apache.karaf.features.FeaturesService> tracker =
                    new ServiceTracker<>(context, org.apache.karaf.features.FeaturesService.class, null) {
                        @Override
                        public org.apache.karaf.features.FeaturesService addingService(
                                ServiceReference<org.apache.karaf.features.FeaturesService> ref) {
                            org.apache.karaf.features.FeaturesService fs = super.addingService(ref);
                            fs.registerListener(listener);
                            return fs;
                        }

                        @Override
                        public void removedService(ServiceReference<org.apache.karaf.features.FeaturesService> ref,
                                                   org.apache.karaf.features.FeaturesService fs) {
                            fs.unregisterListener(listener);
                            server.deploymentFinished();
                            super.removedService(ref, fs);
                        }
                    };
            tracker.open();
            return tracker::close;
        }
    }
}
