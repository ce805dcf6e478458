package io.kapi.security.internal;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** ConfigurationAdmin holding configurations in memory and counting updates, which is what Pax Web reacts to. */
final class FakeConfigAdmin {
    final Map<String, Hashtable<String, Object>> configs = new HashMap<>();
    int updates;

    ConfigurationAdmin service() {
        return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConfigurationAdmin.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getConfiguration" -> configuration((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Configuration configuration(String pid) {
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperties" -> {
                        Hashtable<String, Object> p = configs.get(pid);
                        if (p == null) {
                            yield null;
                        }
                        Hashtable<String, Object> copy = new Hashtable<>(p);
                        copy.put("service.pid", pid);
                        yield copy;
                    }
                    case "update" -> {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
                        Hashtable<String, Object> p = new Hashtable<>();
                        for (var keys = d.keys(); keys.hasMoreElements(); ) {
                            String k = keys.nextElement();
                            p.put(k, d.get(k));
                        }
                        configs.put(pid, p);
                        updates++;
                        yield null;
                    }
                    case "getPid" -> pid;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
