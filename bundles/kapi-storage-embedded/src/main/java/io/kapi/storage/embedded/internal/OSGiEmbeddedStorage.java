package io.kapi.storage.embedded.internal;

import io.kapi.api.storage.Storage;
import io.kapi.storage.embedded.EmbeddedStorage;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Dictionary;
import java.util.Hashtable;

/**
 * Opens the embedded store from configuration PID {@code io.kapi.storage.embedded} (all optional)
 * and registers it as the {@link Storage} service with {@code kapi.storage=embedded}.
 *
 * <p>The service is registered by hand rather than through {@code @Component(service=...)} so that
 * it only appears once the file is open and recovered, and disappears before the file is closed;
 * a configuration change re-activates the component, closing and reopening the store.
 */
@Component(configurationPid = OSGiEmbeddedStorage.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {})
public final class OSGiEmbeddedStorage {

    static final String PID = "io.kapi.storage.embedded";

    /** Configuration; every entry is optional. */
    public @interface Config {
        /** Store directory; default {@code ${karaf.data}/kapi/store}. */
        String path() default "";

        /** Largest value accepted, in bytes. */
        int maxValueBytes() default EmbeddedStorage.DEFAULT_MAX_VALUE_BYTES;

        /** Undelivered events after which a watcher is closed as too slow. */
        int watchBufferEvents() default 1000;

        /** Interval of progress notifications to idle watchers, 0 for none. */
        long progressIntervalMillis() default 1000;

        /** Automatic compaction period (kube-apiserver's default is 5 minutes), 0 for none. */
        long compactionIntervalMillis() default 5 * 60 * 1000;

        int cacheSizeMiB() default EmbeddedStorage.DEFAULT_CACHE_SIZE_MIB;

        /** How often the store file takes in the write-ahead log (a checkpoint). */
        long checkpointIntervalMillis() default 30_000;
    }

    private EmbeddedStorage storage;
    private ServiceRegistration<Storage> registration;

    @Activate
    void activate(BundleContext context, Config config) {
        Path path = config.path().isBlank() ? defaultPath() : Paths.get(config.path());
        storage = EmbeddedStorage.open(path, new EmbeddedStorage.Options()
                .maxValueBytes(config.maxValueBytes())
                .watchBufferEvents(config.watchBufferEvents())
                .progressIntervalMillis(config.progressIntervalMillis())
                .autoCompactionIntervalMillis(config.compactionIntervalMillis())
                .cacheSizeMiB(config.cacheSizeMiB())
                .checkpointIntervalMillis(config.checkpointIntervalMillis()));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("kapi.storage", "embedded");
        props.put("kapi.storage.path", path.toString());
        registration = context.registerService(Storage.class, storage, props);
    }

    @Deactivate
    void deactivate() {
        try {
            if (registration != null) {
                registration.unregister();
            }
        } catch (IllegalStateException alreadyGone) {
            // The framework unregisters services of a stopping bundle itself.
        } finally {
            registration = null;
            if (storage != null) {
                storage.close();
                storage = null;
            }
        }
    }

    static Path defaultPath() {
        String data = System.getProperty("karaf.data");
        return (data == null || data.isBlank() ? Paths.get("data") : Paths.get(data)).resolve("kapi").resolve("store");
    }
}
