package io.kapi.itests;

import io.kapi.api.server.KapiRuntime;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;

/** Waiting in Pax Exam tests on the runtime service's change count, and polling for what it does not follow. */
final class RuntimeWaits {
    private RuntimeWaits() {
    }

    /** Waits until {@code condition} holds, re-checking on each change of the runtime's service.changecount (60 s at most). */
    static void await(BundleContext context, KapiRuntime runtime, String what, BooleanSupplier condition) throws Exception {
        LinkedBlockingQueue<Integer> changes = new LinkedBlockingQueue<>();
        ServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.MODIFIED) {
                changes.add(1);
            }
        };
        context.addServiceListener(listener, "(objectClass=" + KapiRuntime.class.getName() + ")");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for: " + what + " (generation " + runtime.generation()
                            + ", storage " + runtime.storage() + ")");
                }
                changes.poll(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            context.removeServiceListener(listener);
        }
    }

    /**
     * Waits until {@code condition} holds, checking every 10 ms (60 s at most): for what the runtime's change count
     * does not follow, such as the events a watch received.
     */
    static void poll(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
