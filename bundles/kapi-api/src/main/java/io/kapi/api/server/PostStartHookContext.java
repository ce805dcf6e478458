package io.kapi.api.server;

/** What a post-start hook is handed when it runs (kube's {@code PostStartHookContext}). */
@org.osgi.annotation.versioning.ProviderType
public interface PostStartHookContext {
    /** The served resources, as the server's loopback client reaches them. */
    LoopbackClient loopback();
}
