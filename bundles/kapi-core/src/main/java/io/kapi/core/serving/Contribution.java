package io.kapi.core.serving;

import java.util.Map;

/**
 * A service contributed by a bundle, recorded as an immutable entry when it binds (DS bind methods
 * only record). Ordered by ranking (higher first), then by service id (older first), as OSGi does.
 */
public record Contribution<T>(T service, long serviceId, int ranking, long bundleId, String bundle,
                              Map<String, Object> properties) implements Comparable<Contribution<?>> {
    public Contribution {
        properties = Map.copyOf(properties);
    }

    public String property(String name, String fallback) {
        Object v = properties.get(name);
        return v == null ? fallback : String.valueOf(v);
    }

    public int intProperty(String name, int fallback) {
        Object v = properties.get(name);
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return v == null ? fallback : Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public int compareTo(Contribution<?> o) {
        int c = Integer.compare(o.ranking, ranking);
        return c != 0 ? c : Long.compare(serviceId, o.serviceId);
    }
}
