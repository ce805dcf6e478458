package io.kapi.api.server;

/**
 * A health check (kube's {@code healthz.HealthChecker}) on {@code /healthz}, {@code /livez} and/or
 * {@code /readyz}. Must be fast and non-blocking.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface HealthCheck {
    String name();

    /** Whether the check counts for liveness too (false: readiness only). */
    default boolean liveness() {
        return true;
    }

    /** Null when healthy, otherwise the reason. */
    String check();
}
