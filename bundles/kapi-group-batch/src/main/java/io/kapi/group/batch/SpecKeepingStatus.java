package io.kapi.group.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.StatusStrategy;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;

/** kube's Job and CronJob status strategies: the stored spec stays; a Job's counts may not be negative, a CronJob's status is not validated. */
final class SpecKeepingStatus implements StatusStrategy, ResetFields {
    private final boolean job;

    SpecKeepingStatus(boolean job) {
        this.job = job;
    }

    /** kube's GetResetFields of this status strategy: {@code spec}. */
    @Override
    public List<List<String>> resetFields() {
        return List.of(List.of("spec"));
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        StatusStrategy.keepStoredSpec(object, old);
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        if (job) {
            for (String f : new String[] {"active", "succeeded", "failed", "ready", "terminating"}) {
                var v = object.path("status").get(f);
                if (v != null && v.isNumber() && v.asLong() < 0) {
                    causes.add(FieldCause.invalid("status." + f, v.asLong(), ObjectMetaValidation.IS_NEGATIVE));
                }
            }
        }
        return causes;
    }
}
