package io.kapi.api.server;

/**
 * Runs once after the server first serves (kube's {@code PostStartHookFunc}); its outcome is a health
 * check. A hook implements one of the two {@code run} methods: {@link #run(PostStartHookContext)} when
 * it needs the served resources (kube hands its hooks a loopback client), {@link #run()} otherwise.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface PostStartHook {
    String name();

    /** Runs the hook; throwing marks it failed (reported by /healthz and /readyz). */
    default void run() throws Exception {
        throw new UnsupportedOperationException("post-start hook " + name() + " implements neither run method");
    }

    /** Runs the hook with the server's loopback client; by default {@link #run()}. */
    default void run(PostStartHookContext context) throws Exception {
        run();
    }
}
