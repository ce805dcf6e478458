package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * kube's defaulting of a pod spec (pkg/apis/core/v1/defaults.go: {@code SetDefaults_PodSpec},
 * {@code SetDefaults_Container}, probes, handlers, ports, volumes), applied to unset fields only.
 * The struct-valued fields kube always prints ({@code resources: {}}, {@code securityContext: {}})
 * are set as empty objects, as kube's JSON shows them.
 */
public final class PodDefaults {
    public static final long TERMINATION_GRACE_PERIOD_SECONDS = 30;
    public static final int DEFAULT_MODE = 0644; // 420, the mode of configMap, secret, downwardAPI and projected volumes

    private PodDefaults() {
    }

    /**
     * A pod template ({@code PodTemplateSpec}): its spec's defaults, and its metadata's
     * {@code creationTimestamp: null}, which kube's JSON of a template always carries.
     */
    public static void template(ObjectNode template) {
        ObjectNode metadata = object(template, "metadata");
        if (!metadata.has("creationTimestamp")) {
            metadata.putNull("creationTimestamp");
        }
        spec(object(template, "spec"));
    }

    /**
     * kube's {@code SetDefaults_PodSpec} and what it reaches: containers, init containers, ephemeral containers (kube's
     * {@code SetDefaults_EphemeralContainer} defaults them as containers), volumes.
     */
    public static void spec(ObjectNode spec) {
        text(spec, "dnsPolicy", "ClusterFirst");
        text(spec, "restartPolicy", "Always");
        if (!spec.has("securityContext") || spec.get("securityContext").isNull()) {
            spec.putObject("securityContext");
        }
        if (!spec.has("terminationGracePeriodSeconds") || spec.get("terminationGracePeriodSeconds").isNull()) {
            spec.put("terminationGracePeriodSeconds", TERMINATION_GRACE_PERIOD_SECONDS);
        }
        text(spec, "schedulerName", "default-scheduler");
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            for (JsonNode c : spec.path(list)) {
                if (c instanceof ObjectNode container) {
                    container(container);
                }
            }
        }
        for (JsonNode v : spec.path("volumes")) {
            if (v instanceof ObjectNode volume) {
                volume(volume);
            }
        }
    }

    /** kube's {@code SetDefaults_Container} and the defaults of its ports, probes, handlers and env. */
    public static void container(ObjectNode c) {
        if (!c.hasNonNull("imagePullPolicy") || c.get("imagePullPolicy").asText().isEmpty()) {
            c.put("imagePullPolicy", "latest".equals(imageTag(c.path("image").asText(""))) ? "Always" : "IfNotPresent");
        }
        text(c, "terminationMessagePath", "/dev/termination-log");
        text(c, "terminationMessagePolicy", "File");
        if (!c.has("resources") || c.get("resources").isNull()) {
            c.putObject("resources");
        }
        for (JsonNode p : c.path("ports")) {
            if (p instanceof ObjectNode port) {
                text(port, "protocol", "TCP");
            }
        }
        for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
            if (c.get(probe) instanceof ObjectNode p) {
                probe(p);
            }
        }
        if (c.get("lifecycle") instanceof ObjectNode lifecycle) {
            for (String hook : new String[] {"postStart", "preStop"}) {
                if (lifecycle.get(hook) instanceof ObjectNode h) {
                    handler(h);
                }
            }
        }
        for (JsonNode e : c.path("env")) {
            if (e.path("valueFrom").get("fieldRef") instanceof ObjectNode fieldRef) {
                text(fieldRef, "apiVersion", "v1");
            }
        }
    }

    /**
     * The tag of an image reference as kube's {@code parsers.ParseImageName} finds it: {@code latest}
     * when the reference has neither tag nor digest, "" when it has only a digest or cannot be parsed.
     */
    public static String imageTag(String image) {
        if (image == null || image.isEmpty() || !image.equals(image.trim())) {
            return "";
        }
        String name = image;
        boolean digest = false;
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = true;
            name = name.substring(0, at);
        }
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > slash) {
            return name.substring(colon + 1);
        }
        return digest ? "" : "latest";
    }

    private static void probe(ObjectNode p) {
        // int32 fields, not pointers: 0 is unset
        nonZero(p, "timeoutSeconds", 1);
        nonZero(p, "periodSeconds", 10);
        nonZero(p, "successThreshold", 1);
        nonZero(p, "failureThreshold", 3);
        handler(p);
    }

    private static void handler(ObjectNode h) {
        if (h.get("httpGet") instanceof ObjectNode get) {
            text(get, "path", "/");
            text(get, "scheme", "HTTP");
        }
    }

    /** kube's {@code SetDefaults_Volume} and the defaults of the common sources. */
    static void volume(ObjectNode v) {
        boolean hasSource = false;
        var fields = v.fieldNames();
        while (fields.hasNext()) {
            String f = fields.next();
            hasSource |= !f.equals("name") && !v.get(f).isNull();
        }
        if (!hasSource) {
            v.putObject("emptyDir");
        }
        for (String source : new String[] {"configMap", "secret", "downwardAPI", "projected"}) {
            if (v.get(source) instanceof ObjectNode s) {
                number(s, "defaultMode", DEFAULT_MODE);
            }
        }
        if (v.get("hostPath") instanceof ObjectNode hostPath) {
            text(hostPath, "type", "");
        }
        if (v.get("projected") instanceof ObjectNode projected && projected.get("sources") instanceof ArrayNode sources) {
            for (JsonNode s : sources) {
                if (s.get("serviceAccountToken") instanceof ObjectNode token) {
                    number(token, "expirationSeconds", 3600);
                }
            }
        }
    }

    private static ObjectNode object(ObjectNode parent, String field) {
        return parent.get(field) instanceof ObjectNode o ? o : parent.putObject(field);
    }

    private static void text(ObjectNode o, String field, String value) {
        if (!o.hasNonNull(field) || (o.get(field).isTextual() && o.get(field).asText().isEmpty() && !value.isEmpty())) {
            o.put(field, value);
        }
    }

    private static void nonZero(ObjectNode o, String field, long value) {
        if (!o.hasNonNull(field) || o.get(field).asLong() == 0) {
            o.put(field, value);
        }
    }

    private static void number(ObjectNode o, String field, long value) {
        if (!o.hasNonNull(field)) {
            o.put(field, value);
        }
    }
}
