package io.kapi.shell.internal;

import io.kapi.shell.LocalOperator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Runs {@link LocalOperator} once when the shell bundle starts. */
@Component(immediate = true, service = {})
public final class OSGiLocalOperator {
    @Activate
    void activate() {
        String etc = System.getProperty("karaf.etc");
        if (etc == null) {
            return;
        }
        try {
            if (LocalOperator.ensure(Path.of(etc, "users.properties"))) {
                Logger.getLogger(OSGiLocalOperator.class.getName()).info("added the local operator account for bin/client");
            }
        } catch (IOException e) {
            Logger.getLogger(OSGiLocalOperator.class.getName()).log(Level.WARNING, "could not set up the local operator account", e);
        }
    }
}
