package io.kapi.group.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.quantity.Quantity;
import java.util.List;

/**
 * kube's HorizontalPodAutoscaler strategy (pkg/registry/autoscaling/horizontalpodautoscaler) for
 * autoscaling/v2, which has the internal version's shape: decoding drops the v1 round-trip annotations
 * and refuses a quantity that does not parse (a 400, as kube's decoder), then applies v2's defaults; a
 * create starts with an empty status, an update keeps the stored status; validation is kube's; quantities
 * are stored in their canonical form ({@code 0.5} as {@code 500m}), as kube writes them. kube 1.32
 * does not track a HorizontalPodAutoscaler's generation (metadata.generation stays unset).
 */
final class HorizontalPodAutoscalerStrategy implements Strategy {
    private static final TableConvertor TABLE = HpaPrinter.table(o -> o);

    @Override
    public void applyDefaults(ObjectNode object) {
        HpaConversion.dropRoundTripAnnotations(object);
        checkQuantities(object);
        HpaConversion.applyV2Defaults(object);
    }

    /** kube decodes every quantity with {@code ParseQuantity}; a body with one that fails is a bad request. */
    static void checkQuantities(ObjectNode object) {
        for (JsonNode m : object.path("spec").path("metrics")) {
            for (String kind : HpaConversion.METRIC_KINDS) {
                checkQuantity(m.path(kind).path("target").get("value"));
                checkQuantity(m.path(kind).path("target").get("averageValue"));
            }
        }
        for (JsonNode m : object.path("status").path("currentMetrics")) {
            for (String kind : HpaConversion.METRIC_KINDS) {
                checkQuantity(m.path(kind).path("current").get("value"));
                checkQuantity(m.path(kind).path("current").get("averageValue"));
            }
        }
    }

    private static void checkQuantity(JsonNode v) {
        if (v == null || v.isNull()) {
            return;
        }
        try {
            Quantity.parse(HpaConversion.quantityText(v).strip());
        } catch (Quantity.InvalidQuantityException e) {
            throw StatusException.badRequest(HpaConversion.KIND + " in version \"v2\" cannot be handled as a "
                    + HpaConversion.KIND + ": " + e.getMessage());
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status").put("desiredReplicas", 0);
        HpaConversion.canonicalizeSpecQuantities(object, true);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        if (old.has("status")) {
            object.set("status", old.get("status").deepCopy());
        } else {
            object.remove("status");
        }
        HpaConversion.canonicalizeSpecQuantities(object, true);
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return HpaValidation.validate(object, 1);
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return HpaValidation.validate(object, HpaValidation.minReplicasLowerBound(old.path("spec")));
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }
}
