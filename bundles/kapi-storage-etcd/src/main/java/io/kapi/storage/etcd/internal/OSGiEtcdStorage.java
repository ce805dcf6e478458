package io.kapi.storage.etcd.internal;

import io.kapi.api.storage.Storage;
import io.kapi.storage.etcd.EtcdCompactor;
import io.kapi.storage.etcd.EtcdConfig;
import io.kapi.storage.etcd.EtcdStorage;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;

/**
 * Registers {@link EtcdStorage} as the {@link Storage} service while the configuration
 * {@code io.kapi.storage.etcd} exists (Karaf: {@code etc/io.kapi.storage.etcd.cfg}), with
 * {@code kapi.storage=etcd} and {@code service.ranking=100}, so it is preferred over the embedded
 * store (ranking 0) while present and the embedded store takes over again when the file goes.
 *
 * <p>Registered by hand, as the embedded store does, so the service is only visible while the
 * client is open; a configuration change re-activates the component. Activation does not contact
 * etcd: with etcd down the service is present and its calls fail with UNAVAILABLE until etcd
 * answers, which is what the API layer turns into 503s and a failing {@code /readyz}.
 *
 * <p>While active it also runs an {@link EtcdCompactor} (kube-apiserver's periodic compaction,
 * every {@code compactionIntervalMillis}, 0 for none), stopped on deactivation before the client
 * closes.
 */
@Component(configurationPid = OSGiEtcdStorage.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
public final class OSGiEtcdStorage {

    static final String PID = "io.kapi.storage.etcd";
    static final int RANKING = 100;

    /** Configuration; only {@code endpoints} matters for a plain local etcd. */
    public @interface Config {
        /**
         * Comma-separated client URLs (every member of the etcd cluster): calls and watches are
         * spread over them, and a member that fails or stops answering is avoided for a while.
         */
        String endpoints() default "http://127.0.0.1:2379";

        /** Prepended to every key; "" keeps kube's {@code /registry/...} layout as is. */
        String prefix() default "";

        /** PEM file of the CA that signed etcd's serving certificate (https endpoints). */
        String caFile() default "";

        /** PEM client certificate, for etcd's {@code --client-cert-auth}. */
        String certFile() default "";

        /** PEM private key of {@code certFile} (PKCS#8, PKCS#1 or SEC1, unencrypted). */
        String keyFile() default "";

        long requestTimeoutMillis() default 5000;

        /** Largest value accepted; etcd's own default request limit is 1.5 MiB. */
        int maxValueBytes() default EtcdConfig.DEFAULT_MAX_VALUE_BYTES;

        /**
         * Periodic compaction, as kube-apiserver's {@code --etcd-compaction-interval} (default 5
         * minutes); 0 for none (etcd's own {@code --auto-compaction-*} or another apiserver does it).
         */
        long compactionIntervalMillis() default 5 * 60 * 1000;
    }

    private EtcdStorage storage;
    private EtcdCompactor compactor;
    private ServiceRegistration<Storage> registration;

    @Activate
    void activate(BundleContext context, Config config) {
        EtcdConfig etcd = toEtcdConfig(config);
        storage = new EtcdStorage(etcd);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("kapi.storage", "etcd");
        props.put(Constants.SERVICE_RANKING, RANKING);
        props.put("kapi.storage.endpoints", config.endpoints());
        props.put("kapi.storage.prefix", etcd.prefix());
        registration = context.registerService(Storage.class, storage, props);
        compactor = new EtcdCompactor(storage, compactionInterval(config));
        compactor.start();
    }

    static Duration compactionInterval(Config config) {
        return Duration.ofMillis(Math.max(0, config.compactionIntervalMillis()));
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
            if (compactor != null) {
                compactor.close();
                compactor = null;
            }
            if (storage != null) {
                storage.close();
                storage = null;
            }
        }
    }

    static EtcdConfig toEtcdConfig(Config config) {
        EtcdConfig etcd = EtcdConfig.ofList(config.endpoints())
                .withPrefix(config.prefix())
                .withRequestTimeout(Duration.ofMillis(config.requestTimeoutMillis()))
                .withMaxValueBytes(config.maxValueBytes());
        Path ca = path(config.caFile());
        Path cert = path(config.certFile());
        Path key = path(config.keyFile());
        return ca == null && cert == null && key == null ? etcd : etcd.withTls(ca, cert, key);
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Paths.get(value.trim());
    }
}
