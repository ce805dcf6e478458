package io.kapi.security.internal;

import java.io.IOException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;

/**
 * Keeps Kapi's HTTPS settings in Pax Web's configuration once they were written. Installing Kapi into a stock
 * Karaf installs Pax Web's feature in the same step, and that feature writes its own defaults for the same PID
 * (plain HTTP on 8181, HTTPS off) when its configuration file appears, possibly after Kapi wrote its settings:
 * Jetty then stops Kapi's connector moments after starting it. Each change of the PID is checked, and the
 * settings are written again when it lost any; a change that keeps them (another property) is left as it is.
 */
final class PaxWebHttpsGuard implements ConfigurationListener {
    private static final Logger LOG = Logger.getLogger(PaxWebHttpsGuard.class.getName());

    private final ConfigurationAdmin admin;
    private final Map<String, String> wanted;
    /** Set when Kapi's security stops: an event ConfigurationAdmin queued before then writes nothing. */
    private volatile boolean closed;

    PaxWebHttpsGuard(ConfigurationAdmin admin, Map<String, String> wanted) {
        this.admin = admin;
        this.wanted = Map.copyOf(wanted);
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (!PaxWebHttps.PID.equals(event.getPid()) || event.getFactoryPid() != null
                || event.getType() == ConfigurationEvent.CM_LOCATION_CHANGED) {
            return;
        }
        check();
    }

    /**
     * Writes the settings again if the configuration lost any (once registered, for a change made before the
     * listener was: ConfigurationAdmin tells only the listeners there when a change happens).
     */
    void check() {
        if (closed) {
            return;
        }
        try {
            if (PaxWebHttps.apply(admin, wanted)) {
                LOG.info("Pax Web's configuration changed without Kapi's HTTPS settings (port " + wanted.get(PaxWebHttps.HTTPS_PORT)
                        + "): written again; Kapi's port and address are set in etc/io.kapi.server.cfg");
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not write Kapi's HTTPS settings into Pax Web's configuration again", e);
        }
    }

    void close() {
        closed = true;
    }
}
