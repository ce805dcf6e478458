package io.kapi.api.server;

/** Runs once after the server first serves (kube's {@code PostStartHookFunc}); its outcome is a health check. */
public interface PostStartHook {
    String name();

    /** Runs the hook; throwing marks it failed (reported by /healthz and /readyz). */
    void run() throws Exception;
}
