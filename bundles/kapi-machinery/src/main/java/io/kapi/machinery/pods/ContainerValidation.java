package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * kube's validation of a pod spec's containers (pkg/apis/core/validation: {@code validateContainers},
 * {@code validateInitContainers}, {@code validateEphemeralContainers}, {@code validateContainerCommon},
 * {@code validateContainerPorts}, {@code ValidateEnv}, {@code ValidateEnvFrom},
 * {@code ValidateVolumeMounts}, {@code AccumulateUniqueHostPorts}). Regular containers are checked first
 * and init containers then meet their names; probes and lifecycle hooks are allowed on regular and
 * restartable ({@code restartPolicy: Always}) init containers only; ephemeral containers may not set
 * what the pod relies on (ports, resources, probes, lifecycle, restart policy).
 */
final class ContainerValidation {
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final List<String> MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
    /** kube 1.32's environment variable names (RelaxedEnvironmentVariableValidation, on by default): printable ASCII but '='. */
    private static final Pattern ENV_VAR = Pattern.compile("^[ -<>-~]+$");
    private static final String ENV_VAR_ERROR = "a valid environment variable name must consist only of printable ASCII characters other than '='";
    private static final String INIT_ONLY_ALWAYS = "may not be set for init containers without restartPolicy=Always";
    private static final String[] EPHEMERAL_FORBIDDEN = {"ports", "resources", "resizePolicy", "restartPolicy", "livenessProbe",
        "readinessProbe", "startupProbe", "lifecycle"};

    private ContainerValidation() {
    }

    /** The three container lists of {@code spec} at {@code path}. */
    static void all(JsonNode spec, String path, Set<String> volumes, List<FieldCause> causes) {
        long grace = spec.path("terminationGracePeriodSeconds").asLong(PodDefaults.TERMINATION_GRACE_PERIOD_SECONDS);
        String restart = spec.path("restartPolicy").asText("");
        boolean hostUsers = spec.path("hostUsers").asBoolean(true);
        JsonNode containers = spec.path("containers");
        JsonNode init = spec.path("initContainers");
        Context ctx = new Context(volumes, grace, restart, hostUsers);
        regular(containers, path + ".containers", ctx, causes);
        init(init, containers, path + ".initContainers", ctx, causes);
        ephemeral(spec.path("ephemeralContainers"), containers, init, path + ".ephemeralContainers", ctx, causes);
    }

    private record Context(Set<String> volumes, long grace, String restartPolicy, boolean hostUsers) {
    }

    private static void regular(JsonNode list, String path, Context ctx, List<FieldCause> causes) {
        if (!list.isArray() || list.isEmpty()) {
            causes.add(FieldCause.required(path, ""));
            return;
        }
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode c : list) {
            String at = path + "[" + i++ + "]";
            common(c, at, ctx, causes);
            String name = c.path("name").asText("");
            if (!names.add(name)) {
                causes.add(FieldCause.duplicate(at + ".name", name));
            }
            probesAndHooks(c, at, ctx, causes);
            if (c.has("restartPolicy") && !c.get("restartPolicy").isNull()) {
                causes.add(FieldCause.forbidden(at + ".restartPolicy", "may not be set for non-init containers"));
            }
        }
        hostPorts(list, path, new HashSet<>(), causes);
    }

    private static void init(JsonNode list, JsonNode regular, String path, Context ctx, List<FieldCause> causes) {
        Set<String> names = new HashSet<>();
        regular.forEach(c -> names.add(c.path("name").asText("")));
        int i = 0;
        for (JsonNode c : list) {
            String at = path + "[" + i + "]";
            common(c, at, ctx, causes);
            boolean always = false;
            JsonNode policy = c.get("restartPolicy");
            if (policy != null && !policy.isNull()) {
                always = policy.asText("").equals("Always");
                if (!always) {
                    causes.add(FieldCause.notSupported(at + ".restartPolicy", policy.asText(""), List.of("Always")));
                }
            }
            String name = c.path("name").asText("");
            if (names.contains(name)) {
                causes.add(FieldCause.duplicate(at + ".name", name));
            } else if (!name.isEmpty()) {
                names.add(name);
            }
            // init containers run one by one: their host ports only conflict within one container
            hostPortsOf(c, at, new HashSet<>(), causes);
            if (c.path("resizePolicy").size() > 0) {
                // kube 1.32's AllowSidecarResizePolicy follows InPlacePodVerticalScaling, off by default
                causes.add(FieldCause.invalidRendered(at + ".resizePolicy", ResourceValidation.goResizePolicies(c.path("resizePolicy")),
                        "must not be set for init containers"));
            }
            if (always) {
                probesAndHooks(c, at, ctx, causes);
            } else {
                for (String f : new String[] {"lifecycle", "livenessProbe", "readinessProbe", "startupProbe"}) {
                    if (!ProbeValidation.absent(c.get(f))) {
                        causes.add(FieldCause.forbidden(at + "." + f, INIT_ONLY_ALWAYS));
                    }
                }
            }
            i++;
        }
    }

    private static void ephemeral(JsonNode list, JsonNode regular, JsonNode init, String path, Context ctx, List<FieldCause> causes) {
        Set<String> names = new HashSet<>();
        regular.forEach(c -> names.add(c.path("name").asText("")));
        init.forEach(c -> names.add(c.path("name").asText("")));
        Set<String> targets = new HashSet<>(names);
        int i = 0;
        for (JsonNode c : list) {
            String at = path + "[" + i++ + "]";
            common(c, at, ctx, causes);
            onlyForPod(c, at, causes);
            String name = c.path("name").asText("");
            if (!names.add(name)) {
                causes.add(FieldCause.duplicate(at + ".name", name));
            }
            String target = c.path("targetContainerName").asText("");
            if (!target.isEmpty() && !targets.contains(target)) {
                causes.add(FieldCause.notFound(at + ".targetContainerName", target));
            }
            for (String f : EPHEMERAL_FORBIDDEN) {
                JsonNode v = c.get(f);
                if (!ProbeValidation.absent(v) && !(v.isContainerNode() && v.isEmpty() && !f.equals("lifecycle"))) {
                    causes.add(FieldCause.forbidden(at + "." + f, "cannot be set for an Ephemeral Container"));
                }
            }
            int m = 0;
            for (JsonNode mount : c.path("volumeMounts")) {
                for (String f : new String[] {"subPath", "subPathExpr"}) {
                    if (!mount.path(f).asText("").isEmpty()) {
                        causes.add(FieldCause.forbidden(at + ".volumeMounts[" + m + "]." + f, "cannot be set for an Ephemeral Container"));
                    }
                }
                m++;
            }
        }
    }

    /** kube's {@code validateContainerOnlyForPod}: a pod's (not a template's) image has no surrounding whitespace. */
    static void onlyForPod(JsonNode c, String path, List<FieldCause> causes) {
        String image = c.path("image").asText("");
        if (!image.equals(image.strip())) {
            causes.add(FieldCause.invalid(path + ".image", image, "must not have leading or trailing whitespace"));
        }
    }

    private static void probesAndHooks(JsonNode c, String at, Context ctx, List<FieldCause> causes) {
        ProbeValidation.lifecycle(c.get("lifecycle"), ctx.grace(), at + ".lifecycle", causes);
        ProbeValidation.livenessOrStartup(c.get("livenessProbe"), ctx.grace(), at + ".livenessProbe", causes);
        ProbeValidation.readiness(c.get("readinessProbe"), ctx.grace(), at + ".readinessProbe", causes);
        ProbeValidation.livenessOrStartup(c.get("startupProbe"), ctx.grace(), at + ".startupProbe", causes);
    }

    /** kube's {@code validateContainerCommon}: what every kind of container must satisfy. */
    private static void common(JsonNode c, String at, Context ctx, List<FieldCause> causes) {
        String name = c.path("name").asText("");
        if (name.isEmpty()) {
            causes.add(FieldCause.required(at + ".name", ""));
        } else {
            for (String msg : NameValidation.isDNS1123Label(name)) {
                causes.add(FieldCause.invalid(at + ".name", name, msg));
            }
        }
        if (c.path("image").asText("").isEmpty()) {
            causes.add(FieldCause.required(at + ".image", ""));
        }
        String messagePolicy = c.path("terminationMessagePolicy").asText("");
        if (messagePolicy.isEmpty()) {
            causes.add(FieldCause.required(at + ".terminationMessagePolicy", ""));
        } else if (!MESSAGE_POLICIES.contains(messagePolicy)) {
            causes.add(FieldCause.notSupported(at + ".terminationMessagePolicy", messagePolicy, MESSAGE_POLICIES));
        }
        ports(c.path("ports"), at + ".ports", causes);
        env(c.path("env"), at + ".env", causes);
        envFrom(c.path("envFrom"), at + ".envFrom", causes);
        mounts(c.path("volumeMounts"), at + ".volumeMounts", ctx.volumes(), causes);
        String pull = c.path("imagePullPolicy").asText("");
        if (pull.isEmpty()) {
            causes.add(FieldCause.required(at + ".imagePullPolicy", ""));
        } else if (!PULL_POLICIES.contains(pull)) {
            causes.add(FieldCause.notSupported(at + ".imagePullPolicy", pull, PULL_POLICIES));
        }
        ResourceValidation.requirements(c.get("resources"), at + ".resources", causes);
        ResourceValidation.resizePolicy(c.path("resizePolicy"), at + ".resizePolicy", ctx.restartPolicy(), causes);
        SecurityContextValidation.container(c.get("securityContext"), at + ".securityContext", ctx.hostUsers(), causes);
    }

    private static void ports(JsonNode list, String path, List<FieldCause> causes) {
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode p : list) {
            String at = path + "[" + i++ + "]";
            String name = p.path("name").asText("");
            if (!name.isEmpty()) {
                List<String> errs = PodValidation.portNameErrors(name);
                errs.forEach(msg -> causes.add(FieldCause.invalid(at + ".name", name, msg)));
                if (errs.isEmpty() && !names.add(name)) {
                    causes.add(FieldCause.duplicate(at + ".name", name));
                }
            }
            long port = p.path("containerPort").asLong(0);
            if (port == 0) {
                causes.add(FieldCause.required(at + ".containerPort", ""));
            } else if (port < 1 || port > 65535) {
                causes.add(FieldCause.invalid(at + ".containerPort", port, "must be between 1 and 65535, inclusive"));
            }
            long hostPort = p.path("hostPort").asLong(0);
            if (hostPort != 0 && (hostPort < 1 || hostPort > 65535)) {
                causes.add(FieldCause.invalid(at + ".hostPort", hostPort, "must be between 1 and 65535, inclusive"));
            }
            String protocol = p.path("protocol").asText("");
            if (protocol.isEmpty()) {
                causes.add(FieldCause.required(at + ".protocol", ""));
            } else if (!PROTOCOLS.contains(protocol)) {
                causes.add(FieldCause.notSupported(at + ".protocol", protocol, PROTOCOLS));
            }
        }
    }

    private static void hostPorts(JsonNode containers, String path, Set<String> seen, List<FieldCause> causes) {
        int i = 0;
        for (JsonNode c : containers) {
            hostPortsOf(c, path + "[" + i++ + "]", seen, causes);
        }
    }

    /** kube's {@code AccumulateUniqueHostPorts}: protocol, host IP and host port together are unique. */
    private static void hostPortsOf(JsonNode c, String at, Set<String> seen, List<FieldCause> causes) {
        int i = 0;
        for (JsonNode p : c.path("ports")) {
            long hostPort = p.path("hostPort").asLong(0);
            if (hostPort != 0) {
                String key = p.path("protocol").asText("") + "/" + p.path("hostIP").asText("") + "/" + hostPort;
                if (!seen.add(key)) {
                    causes.add(FieldCause.duplicate(at + ".ports[" + i + "].hostPort", key));
                }
            }
            i++;
        }
    }

    private static void env(JsonNode list, String path, List<FieldCause> causes) {
        int i = 0;
        for (JsonNode e : list) {
            String at = path + "[" + i++ + "]";
            String name = e.path("name").asText("");
            if (name.isEmpty()) {
                causes.add(FieldCause.required(at + ".name", ""));
            } else if (!ENV_VAR.matcher(name).matches()) {
                causes.add(FieldCause.invalid(at + ".name", name, ENV_VAR_ERROR));
            }
        }
    }

    private static void envFrom(JsonNode list, String path, List<FieldCause> causes) {
        int i = 0;
        for (JsonNode e : list) {
            String at = path + "[" + i++ + "]";
            String prefix = e.path("prefix").asText("");
            if (!prefix.isEmpty() && !ENV_VAR.matcher(prefix).matches()) {
                causes.add(FieldCause.invalid(at + ".prefix", prefix, ENV_VAR_ERROR));
            }
            int sources = 0;
            for (String ref : new String[] {"configMapRef", "secretRef"}) {
                JsonNode source = e.get(ref);
                if (ProbeValidation.absent(source)) {
                    continue;
                }
                sources++;
                String name = source.path("name").asText("");
                if (name.isEmpty()) {
                    causes.add(FieldCause.required(at + "." + ref + ".name", ""));
                } else {
                    // kube's NameIsDNSSubdomain with prefix=true: a trailing '-' is masked
                    String checked = name.endsWith("-") ? name.substring(0, name.length() - 1) + "a" : name;
                    for (String msg : NameValidation.isDNS1123Subdomain(checked)) {
                        causes.add(FieldCause.invalid(at + "." + ref + ".name", name, msg));
                    }
                }
            }
            if (sources == 0) {
                causes.add(FieldCause.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
            } else if (sources > 1) {
                causes.add(FieldCause.forbidden(path, "may not have more than one field specified at a time"));
            }
        }
    }

    private static void mounts(JsonNode list, String path, Set<String> volumes, List<FieldCause> causes) {
        Set<String> paths = new HashSet<>();
        int i = 0;
        for (JsonNode m : list) {
            String at = path + "[" + i++ + "]";
            String name = m.path("name").asText("");
            if (name.isEmpty()) {
                causes.add(FieldCause.required(at + ".name", ""));
            } else if (!volumes.contains(name)) {
                causes.add(FieldCause.notFound(at + ".name", name));
            }
            String mountPath = m.path("mountPath").asText("");
            if (mountPath.isEmpty()) {
                causes.add(FieldCause.required(at + ".mountPath", ""));
            } else if (!paths.add(mountPath)) {
                causes.add(FieldCause.invalid(at + ".mountPath", mountPath, "must be unique"));
            }
        }
    }
}
