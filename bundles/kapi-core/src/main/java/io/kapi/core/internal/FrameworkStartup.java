package io.kapi.core.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * When the framework has started every bundle of its start: the installed bundles start level by level, the API
 * groups among them, and Kapi's servlet is registered only once the framework has reached its beginning start level
 * (kube-apiserver listens only once its API groups are installed). A first start installs the groups through a
 * feature deployment instead, after that level is reached, which {@link DeploymentHold} covers; a bundle update of
 * Kapi's core finds the level reached and serves at once.
 *
 * <p>Karaf starts the framework at its lock's start level and raises it to the configured beginning level
 * ({@code org.osgi.framework.startlevel.beginning} in {@code etc/config.properties}, kept as a system property) once
 * it holds the lock: an instance waiting for the lock does not serve.
 */
final class FrameworkStartup {
    private static final Logger LOG = Logger.getLogger(FrameworkStartup.class.getName());

    private FrameworkStartup() {
    }

    /** The start level the framework is on its way to: Karaf's system property, else the framework's own. */
    static int targetLevel(String systemProperty, String frameworkProperty) {
        return Math.max(parse(systemProperty), parse(frameworkProperty));
    }

    private static int parse(String level) {
        try {
            return level == null ? 1 : Integer.parseInt(level.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Runs {@code started} once, when the framework has reached its target level (at once if it has); returns what to close. */
    static AutoCloseable register(BundleContext context, Runnable started) {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        FrameworkStartLevel startLevel = system.adapt(FrameworkStartLevel.class);
        int target = targetLevel(System.getProperty(Constants.FRAMEWORK_BEGINNING_STARTLEVEL),
                context.getProperty(Constants.FRAMEWORK_BEGINNING_STARTLEVEL));
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                LOG.info("the framework is at start level " + startLevel.getStartLevel() + ": Kapi serves");
                started.run();
            }
        };
        FrameworkListener listener = event -> {
            if ((event.getType() == FrameworkEvent.STARTED || event.getType() == FrameworkEvent.STARTLEVEL_CHANGED)
                    && startLevel.getStartLevel() >= target) {
                once.run();
            }
        };
        // listening first, then looking: a level reached in between is seen either way
        context.addFrameworkListener(listener);
        if (startLevel.getStartLevel() >= target) {
            once.run();
        } else {
            LOG.info("Kapi serves once the framework reaches start level " + target + " (now " + startLevel.getStartLevel() + ")");
        }
        return () -> context.removeFrameworkListener(listener);
    }
}
