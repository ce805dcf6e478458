package io.kapi.group.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's CSIDriver ({@code pkg/registry/storage/csidriver}): v1 defaults (attachRequired true;
 * podInfoOnMount, storageCapacity, requiresRepublish and seLinuxMount false — the last with
 * SELinuxMountReadWriteOncePod, on in 1.32; fsGroupPolicy {@code ReadWriteOnceWithFSType};
 * volumeLifecycleModes {@code [Persistent]}), {@code ValidateCSIDriver} (names are DNS subdomains,
 * the store's default; the spec's required flags, fsGroupPolicy, tokenRequests, lifecycle modes) and
 * {@code ValidateCSIDriverUpdate} (the same, with attachRequired and volumeLifecycleModes immutable).
 * Generation 1 from creation, raised by a spec change; an update must name its resourceVersion. kube's
 * printer.
 */
final class CSIDriverStrategy implements Strategy {
    /** kube's {@code supportedFSGroupPolicy.List()}: sorted. */
    static final List<String> FS_GROUP_POLICIES = List.of("File", "None", "ReadWriteOnceWithFSType");
    static final List<String> LIFECYCLE_MODES = List.of("Persistent", "Ephemeral");
    static final long MIN_TOKEN_SECONDS = 10 * 60;
    static final long MAX_TOKEN_SECONDS = 1L << 32;

    private final TableConvertor table;

    CSIDriverStrategy(ObjectNode openApi) {
        JsonNode props = openApi.path("io.k8s.api.storage.v1.CSIDriverSpec").path("properties");
        table = Printer.builder().name()
                .column(TableColumn.of("AttachRequired", "boolean", StorageClassStrategy.description(props, "attachRequired")),
                        o -> flag(o, "attachRequired", true))
                .column(TableColumn.of("PodInfoOnMount", "boolean", StorageClassStrategy.description(props, "podInfoOnMount")),
                        o -> flag(o, "podInfoOnMount", false))
                .column(TableColumn.of("StorageCapacity", "boolean", StorageClassStrategy.description(props, "storageCapacity")),
                        o -> flag(o, "storageCapacity", false))
                .column(TableColumn.of("TokenRequests", "string", StorageClassStrategy.description(props, "tokenRequests")),
                        CSIDriverStrategy::tokenRequests)
                .column(TableColumn.of("RequiresRepublish", "boolean", StorageClassStrategy.description(props, "requiresRepublish")),
                        o -> flag(o, "requiresRepublish", false))
                .column(TableColumn.of("Modes", "string", StorageClassStrategy.description(props, "volumeLifecycleModes")),
                        o -> {
                            List<String> modes = GoForms.strings(o.path("spec").get("volumeLifecycleModes"));
                            return modes.isEmpty() ? "<none>" : String.join(",", modes);
                        })
                .age().build();
    }

    private static boolean flag(ObjectNode o, String field, boolean unset) {
        JsonNode v = o.path("spec").get(field);
        return GoForms.isNil(v) ? unset : v.asBoolean(unset);
    }

    /** kube prints the audiences, or {@code <unset>} for none (an empty list does not survive kube's storage). */
    private static String tokenRequests(ObjectNode o) {
        JsonNode requests = o.path("spec").get("tokenRequests");
        if (GoForms.isNil(requests) || !requests.isArray() || requests.isEmpty()) {
            return "<unset>";
        }
        List<String> audiences = new ArrayList<>();
        requests.forEach(r -> audiences.add(GoForms.text(r, "audience")));
        return String.join(",", audiences);
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        if (GoForms.isNil(spec.get("attachRequired"))) {
            spec.put("attachRequired", true);
        }
        if (GoForms.isNil(spec.get("podInfoOnMount"))) {
            spec.put("podInfoOnMount", false);
        }
        if (GoForms.isNil(spec.get("storageCapacity"))) {
            spec.put("storageCapacity", false);
        }
        if (GoForms.isNil(spec.get("fsGroupPolicy"))) {
            spec.put("fsGroupPolicy", "ReadWriteOnceWithFSType");
        }
        JsonNode modes = spec.get("volumeLifecycleModes");
        if (GoForms.isNil(modes) || (modes.isArray() && modes.isEmpty())) {
            spec.putArray("volumeLifecycleModes").add("Persistent");
        }
        if (GoForms.isNil(spec.get("requiresRepublish"))) {
            spec.put("requiresRepublish", false);
        }
        if (GoForms.isNil(spec.get("seLinuxMount"))) {
            spec.put("seLinuxMount", false);
        }
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public boolean allowUnconditionalUpdate() {
        return false;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return validateSpec(object.path("spec"));
    }

    /** kube's {@code validateCSIDriverSpec}. */
    static List<FieldCause> validateSpec(JsonNode spec) {
        List<FieldCause> causes = new ArrayList<>();
        // kube's path says "attachedRequired"
        requiredFlag(spec, "attachRequired", "spec.attachedRequired", causes);
        requiredFlag(spec, "podInfoOnMount", "spec.podInfoOnMount", causes);
        requiredFlag(spec, "storageCapacity", "spec.storageCapacity", causes);
        JsonNode fsGroupPolicy = spec.get("fsGroupPolicy");
        if (!GoForms.isNil(fsGroupPolicy) && !FS_GROUP_POLICIES.contains(fsGroupPolicy.asText())) {
            causes.add(FieldCause.notSupported("spec.fsGroupPolicy", fsGroupPolicy.asText(), FS_GROUP_POLICIES));
        }
        JsonNode requests = spec.get("tokenRequests");
        if (requests != null && requests.isArray()) {
            Set<String> audiences = new HashSet<>();
            for (int i = 0; i < requests.size(); i++) {
                String path = "spec.tokenRequests[" + i + "]";
                String audience = GoForms.text(requests.get(i), "audience");
                if (!audiences.add(audience)) {
                    causes.add(FieldCause.duplicate(path + ".audience", audience));
                    continue;
                }
                JsonNode seconds = requests.get(i).get("expirationSeconds");
                if (GoForms.isNil(seconds)) {
                    continue;
                }
                long s = seconds.asLong();
                if (s < MIN_TOKEN_SECONDS) {
                    causes.add(FieldCause.invalid(path + ".expirationSeconds", s, "may not specify a duration less than 10 minutes"));
                }
                if (s > MAX_TOKEN_SECONDS) {
                    causes.add(FieldCause.invalid(path + ".expirationSeconds", s, "may not specify a duration larger than 2^32 seconds"));
                }
            }
        }
        for (String mode : GoForms.strings(spec.get("volumeLifecycleModes"))) {
            if (!LIFECYCLE_MODES.contains(mode)) {
                causes.add(FieldCause.notSupported("spec.volumeLifecycleModes", mode, LIFECYCLE_MODES));
            }
        }
        // validateSELinuxMount, with SELinuxMountReadWriteOncePod on (beta, on by default in 1.32)
        requiredFlag(spec, "seLinuxMount", "spec.seLinuxMount", causes);
        return causes;
    }

    private static void requiredFlag(JsonNode spec, String field, String path, List<FieldCause> causes) {
        if (GoForms.isNil(spec.get(field))) {
            causes.add(FieldCause.required(path, ""));
        }
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        JsonNode spec = object.path("spec");
        JsonNode oldSpec = old.path("spec");
        List<FieldCause> causes = validateSpec(spec);
        JsonNode attach = spec.get("attachRequired");
        JsonNode oldAttach = oldSpec.get("attachRequired");
        if (GoForms.isNil(attach) != GoForms.isNil(oldAttach) || (!GoForms.isNil(attach) && attach.asBoolean() != oldAttach.asBoolean())) {
            causes.add(FieldCause.invalidRendered("spec.attachedRequired", GoForms.isNil(attach) ? "null" : Boolean.toString(attach.asBoolean()),
                    ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        if (!GoForms.stringSlicesEqual(spec.get("volumeLifecycleModes"), oldSpec.get("volumeLifecycleModes"))) {
            causes.add(FieldCause.invalidRendered("spec.volumeLifecycleModes",
                    GoForms.stringSlice("storage.VolumeLifecycleMode", spec.get("volumeLifecycleModes")), ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return causes;
    }

    @Override
    public TableConvertor table() {
        return table;
    }
}
