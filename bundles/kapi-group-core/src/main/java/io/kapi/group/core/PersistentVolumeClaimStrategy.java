package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.quantity.Quantity;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * kube 1.32's PersistentVolumeClaim with its default feature gates (AnyVolumeDataSource and
 * RecoverVolumeExpansionFailure on, VolumeAttributesClass and CrossNamespaceVolumeDataSource off):
 * v1 defaulting (volume mode, quantities), the strategy's dropping and normalizing of data sources,
 * phase Pending on create, ValidatePersistentVolumeClaim and ValidatePersistentVolumeClaimUpdate with
 * kube's paths and messages, the {@code name} field selector and kube's printer ({@link VolumeListing}).
 */
final class PersistentVolumeClaimStrategy implements Strategy {
    static final String KIND = "PersistentVolumeClaim";
    static final String IMMUTABLE_SPEC =
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";
    /** The Go pointer fields of PersistentVolumeClaimSpec: set to an empty value is not unset. */
    private static final Set<String> POINTERS = Set.of("selector", "storageClassName", "volumeMode", "dataSource", "dataSourceRef",
            "volumeAttributesClassName");

    /** kube's PersistentVolumeClaimSpecValidationOptions. */
    record Options(boolean allowInvalidLabelValueInSelector, boolean allowInvalidAPIGroup, boolean enableVolumeAttributesClass) {
        static final Options CREATE = new Options(false, false, false);

        /** kube's ValidationOptionsForPersistentVolumeClaim for an update from {@code old}. */
        static Options forUpdate(JsonNode old) {
            JsonNode spec = old.path("spec");
            boolean selectorInvalid = !ObjectMetaValidation.validateLabelSelector(spec.get("selector"), "spec.selector").isEmpty();
            boolean apiGroup = spec.path("dataSource").hasNonNull("apiGroup") || spec.path("dataSourceRef").hasNonNull("apiGroup");
            return new Options(selectorInvalid, apiGroup, spec.hasNonNull("volumeAttributesClassName"));
        }
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        if (!spec.hasNonNull("volumeMode")) {
            spec.put("volumeMode", "Filesystem");
        }
        JsonNode resources = spec.path("resources");
        Volumes.canonicalize(resources.get("limits"), KIND);
        Volumes.canonicalize(resources.get("requests"), KIND);
        ObjectNode status = object.get("status") instanceof ObjectNode s ? s : object.putObject("status");
        Volumes.canonicalize(status.get("capacity"), KIND);
        Volumes.canonicalize(status.get("allocatedResources"), KIND);
        if (status.path("phase").asText("").isEmpty()) {
            status.put("phase", "Pending");
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status").put("phase", "Pending");
        // kube's StorageObjectInUseProtection admission adds the kubernetes.io/pvc-protection finalizer here: not Kapi, which runs no controller to remove it (a delete would hang)
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        dropDisabledFields(spec, null);
        enforceDataSourceBackwardsCompatibility(spec, null);
        normalizeDataSources(spec);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        if (old.has("status")) {
            object.set("status", old.get("status").deepCopy());
        }
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        JsonNode oldSpec = old.path("spec");
        dropDisabledFields(spec, oldSpec);
        enforceDataSourceBackwardsCompatibility(spec, oldSpec);
        normalizeDataSources(spec);
    }

    /** kube's DropDisabledFields with 1.32's default gates. */
    static void dropDisabledFields(ObjectNode spec, JsonNode oldSpec) {
        // VolumeAttributesClass is off: a new value is dropped, one already stored is kept
        if (oldSpec == null || !oldSpec.hasNonNull("volumeAttributesClassName")) {
            spec.remove("volumeAttributesClassName");
        }
        // CrossNamespaceVolumeDataSource is off
        if (!spec.path("dataSourceRef").path("namespace").asText("").isEmpty()
                && (oldSpec == null || !oldSpec.hasNonNull("dataSourceRef"))) {
            spec.remove("dataSourceRef");
        }
    }

    /** kube's EnforceDataSourceBackwardsCompatibility: dataSource alone keeps only PVCs and snapshots. */
    static void enforceDataSourceBackwardsCompatibility(ObjectNode spec, JsonNode oldSpec) {
        if (oldSpec != null && (oldSpec.hasNonNull("dataSource") || oldSpec.hasNonNull("dataSourceRef"))) {
            return;
        }
        if (spec.hasNonNull("dataSourceRef")) {
            return;
        }
        JsonNode ds = spec.get("dataSource");
        if (ds != null && !ds.isNull()) {
            String kind = ds.path("kind").asText("");
            String group = ds.path("apiGroup").asText("");
            if (kind.equals("PersistentVolumeClaim") && group.isEmpty()
                    || kind.equals("VolumeSnapshot") && group.equals("snapshot.storage.k8s.io")) {
                return;
            }
        }
        spec.remove("dataSource");
    }

    /** kube's NormalizeDataSources: dataSource and dataSourceRef carry the same, unless the ref has a namespace. */
    static void normalizeDataSources(ObjectNode spec) {
        JsonNode ds = spec.get("dataSource");
        JsonNode ref = spec.get("dataSourceRef");
        boolean hasDs = ds != null && !ds.isNull();
        boolean hasRef = ref != null && !ref.isNull();
        if (hasDs && !hasRef) {
            ObjectNode r = spec.putObject("dataSourceRef");
            copyReference(ds, r);
        } else if (hasRef && !hasDs && ref.path("namespace").asText("").isEmpty()) {
            ObjectNode d = spec.putObject("dataSource");
            copyReference(ref, d);
        }
    }

    private static void copyReference(JsonNode from, ObjectNode to) {
        if (from.hasNonNull("apiGroup")) {
            to.put("apiGroup", from.get("apiGroup").asText(""));
        }
        to.put("kind", from.path("kind").asText(""));
        to.put("name", from.path("name").asText(""));
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return validateSpec(object.path("spec"), Options.CREATE);
    }

    /** kube's ValidatePersistentVolumeClaimSpec at {@code spec}. */
    static List<FieldCause> validateSpec(JsonNode spec, Options opts) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode modes = spec.path("accessModes");
        if (modes.size() == 0) {
            causes.add(FieldCause.required("spec.accessModes", "at least 1 access mode is required"));
        }
        JsonNode selector = spec.get("selector");
        if (selector != null && !selector.isNull()) {
            for (FieldCause c : ObjectMetaValidation.validateLabelSelector(selector, "spec.selector")) {
                boolean labelValue = c.field().startsWith("spec.selector.matchExpressions") && c.field().contains(".values[");
                if (!(opts.allowInvalidLabelValueInSelector() && labelValue)) {
                    causes.add(c);
                }
            }
        }
        if (modes.size() > 0) {
            Volumes.accessModes(modes, "spec.accessModes", "", causes);
        }
        JsonNode requests = spec.path("resources").path("requests");
        JsonNode storage = requests.get("storage");
        if (storage == null) {
            causes.add(FieldCause.required("spec.resources[storage]", ""));
        } else if (!Volumes.unparsable(storage, "spec.resources[storage]", causes)) {
            Volumes.positive(Volumes.quantity(storage), "spec.resources[storage]", causes);
        }
        String storageClass = spec.path("storageClassName").asText("");
        if (spec.hasNonNull("storageClassName") && !storageClass.isEmpty()) {
            Volumes.className(storageClass, "spec.storageClassName", causes);
        }
        if (spec.hasNonNull("volumeMode") && !Volumes.VOLUME_MODES.contains(spec.get("volumeMode").asText(""))) {
            causes.add(FieldCause.notSupported("spec.volumeMode", spec.get("volumeMode").asText(""), Volumes.VOLUME_MODES));
        }
        JsonNode ds = spec.get("dataSource");
        JsonNode ref = spec.get("dataSourceRef");
        boolean hasDs = ds != null && !ds.isNull();
        boolean hasRef = ref != null && !ref.isNull();
        if (hasDs) {
            dataSource(ds, "spec.dataSource", opts.allowInvalidAPIGroup(), causes);
        }
        if (hasRef) {
            dataSource(ref, "spec.dataSourceRef", opts.allowInvalidAPIGroup(), causes);
            String ns = ref.path("namespace").asText("");
            if (!ns.isEmpty()) {
                for (String msg : NameValidation.isDNS1123Label(ns)) {
                    causes.add(FieldCause.invalid("spec.dataSourceRef.namespace", ns, msg));
                }
            }
        }
        String dataSourcePath = "field.Path{name:\"dataSource\", index:\"\", parent:(*field.Path)(" + Volumes.GO_POINTER + ")}";
        if (hasRef && !ref.path("namespace").asText("").isEmpty()) {
            if (hasDs) {
                causes.add(FieldCause.invalidRendered("spec", dataSourcePath, "may not be specified when dataSourceRef.namespace is specified"));
            }
        } else if (hasDs && hasRef) {
            boolean same = Objects.equals(Volumes.nullable(ds.get("apiGroup")), Volumes.nullable(ref.get("apiGroup")))
                    && ds.path("kind").asText("").equals(ref.path("kind").asText(""))
                    && ds.path("name").asText("").equals(ref.path("name").asText(""));
            if (!same) {
                causes.add(FieldCause.invalidRendered("spec", dataSourcePath, "must match dataSourceRef"));
            }
        }
        String vac = spec.path("volumeAttributesClassName").asText("");
        if (spec.hasNonNull("volumeAttributesClassName") && !vac.isEmpty() && opts.enableVolumeAttributesClass()) {
            Volumes.className(vac, "spec.volumeAttributesClassName", causes);
        }
        return causes;
    }

    /** kube's validateDataSource and the common part of validateDataSourceRef. */
    private static void dataSource(JsonNode ds, String path, boolean allowInvalidAPIGroup, List<FieldCause> causes) {
        if (ds.path("name").asText("").isEmpty()) {
            causes.add(FieldCause.required(path + ".name", ""));
        }
        String kind = ds.path("kind").asText("");
        if (kind.isEmpty()) {
            causes.add(FieldCause.required(path + ".kind", ""));
        }
        String group = ds.path("apiGroup").asText("");
        if (group.isEmpty() && !kind.equals("PersistentVolumeClaim")) {
            causes.add(FieldCause.invalid(path, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
        }
        if (!group.isEmpty() && !allowInvalidAPIGroup) {
            for (String msg : NameValidation.isDNS1123Subdomain(group)) {
                causes.add(FieldCause.invalid(path + ".apiGroup", group, msg));
            }
        }
    }

    /**
     * The strategy's ValidateUpdate: the claim's validation, then ValidatePersistentVolumeClaimUpdate,
     * which validates the claim again (kube reports those causes twice).
     */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        Options opts = Options.forUpdate(old);
        List<FieldCause> causes = new ArrayList<>(validateSpec(object.path("spec"), opts));
        causes.addAll(validateSpec(object.path("spec"), opts));
        JsonNode spec = object.path("spec");
        ObjectNode oldSpec = old.get("spec") instanceof ObjectNode s ? s.deepCopy() : Json.object();
        // the strategy normalizes the stored claim's data sources before validating against it
        normalizeDataSources(oldSpec);
        ObjectNode newClone = spec instanceof ObjectNode s ? s.deepCopy() : Json.object();
        ObjectNode oldClone = oldSpec.deepCopy();
        if (oldSpec.path("volumeName").asText("").isEmpty()) {
            copy(newClone, oldClone, "volumeName");
        }
        Map<String, String> oldAnnotations = Json.stringMap(old.path("metadata").get("annotations"));
        Map<String, String> newAnnotations = Json.stringMap(object.path("metadata").get("annotations"));
        String oldSc = Volumes.nullable(oldSpec.get("storageClassName"));
        String newSc = Volumes.nullable(spec.get("storageClassName"));
        if (upgradeFromAnnotation(oldAnnotations, newAnnotations, oldSc, newSc)) {
            newClone.remove("storageClassName");
        } else {
            String newValue = newAnnotations.getOrDefault(Volumes.BETA_STORAGE_CLASS, "");
            if (!newValue.equals(oldAnnotations.getOrDefault(Volumes.BETA_STORAGE_CLASS, ""))) {
                causes.add(FieldCause.invalid("metadata.annotations." + Volumes.BETA_STORAGE_CLASS, newValue, Volumes.IMMUTABLE));
            }
            if (newSc != null && oldSc == null && (!oldAnnotations.containsKey(Volumes.BETA_STORAGE_CLASS)
                    || newSc.equals(oldAnnotations.get(Volumes.BETA_STORAGE_CLASS)))) {
                copy(oldClone, newClone, "storageClassName");
            }
        }
        boolean bound = object.path("status").path("phase").asText("").equals("Bound");
        if (bound && newClone.path("resources").get("requests") instanceof ObjectNode requests) {
            JsonNode oldStorage = oldSpec.path("resources").path("requests").get("storage");
            requests.set("storage", oldStorage == null ? requests.textNode("0") : oldStorage);
        }
        if (bound && newClone.hasNonNull("volumeAttributesClassName")) {
            copy(oldClone, newClone, "volumeAttributesClassName");
        }
        Quantity oldSize = Volumes.quantity(oldSpec.path("resources").path("requests").get("storage"));
        Quantity newSize = Volumes.quantity(spec.path("resources").path("requests").get("storage"));
        Quantity statusSize = Volumes.quantity(old.path("status").path("capacity").get("storage"));
        JsonNode a = Volumes.semantic(newClone, POINTERS);
        JsonNode b = Volumes.semantic(oldClone, POINTERS);
        if (!a.equals(b)) {
            causes.add(FieldCause.forbidden("spec", IMMUTABLE_SPEC + "\n" + Volumes.diff("core.PersistentVolumeClaimSpec", oldClone, newClone, POINTERS)));
        }
        // RecoverVolumeExpansionFailure (on in 1.32): a request may shrink, down to more than the status' capacity
        if (newSize.compareTo(oldSize) < 0 && newSize.compareTo(statusSize) <= 0) {
            causes.add(FieldCause.forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"));
        }
        Volumes.volumeModeUnchanged(spec, oldSpec, causes);
        String oldVac = Volumes.nullable(oldSpec.get("volumeAttributesClassName"));
        String newVac = Volumes.nullable(spec.get("volumeAttributesClassName"));
        if (!Objects.equals(oldVac, newVac)) {
            causes.add(FieldCause.forbidden("spec.volumeAttributesClassName",
                    "update is forbidden when the VolumeAttributesClass feature gate is disabled"));
            if (opts.enableVolumeAttributesClass() && oldVac != null) {
                if (newVac == null) {
                    causes.add(FieldCause.forbidden("spec.volumeAttributesClassName", "update from non-nil value to nil is forbidden"));
                } else if (newVac.isEmpty()) {
                    causes.add(FieldCause.forbidden("spec.volumeAttributesClassName", "update from non-nil value to an empty string is forbidden"));
                }
            }
        }
        return causes;
    }

    /** kube's validateStorageClassUpgradeFromAnnotation. */
    private static boolean upgradeFromAnnotation(Map<String, String> oldAnnotations, Map<String, String> newAnnotations,
                                                 String oldSc, String newSc) {
        String oldClass = oldAnnotations.get(Volumes.BETA_STORAGE_CLASS);
        return oldClass != null && oldSc == null && newSc != null && newSc.equals(oldClass)
                && (!newAnnotations.containsKey(Volumes.BETA_STORAGE_CLASS) || oldClass.equals(newAnnotations.get(Volumes.BETA_STORAGE_CLASS)));
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v == null || v.isNull()) {
            to.remove(field);
        } else {
            to.set(field, v.deepCopy());
        }
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        return VolumeListing.selectableFields(object);
    }

    @Override
    public TableConvertor table() {
        return VolumeListing.claims();
    }
}
