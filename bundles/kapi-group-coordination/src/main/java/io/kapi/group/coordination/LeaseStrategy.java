package io.kapi.group.coordination;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.util.ArrayList;
import java.util.List;

/** kube's lease strategy: leaseDurationSeconds and leaseTransitions must not be negative; HOLDER column. */
final class LeaseStrategy implements Strategy {
    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        var spec = object.get("spec");
        if (spec != null) {
            if (spec.has("leaseDurationSeconds") && spec.get("leaseDurationSeconds").asLong() <= 0) {
                causes.add(FieldCause.invalid("spec.leaseDurationSeconds", spec.get("leaseDurationSeconds").asLong(), "must be greater than 0"));
            }
            if (spec.has("leaseTransitions") && spec.get("leaseTransitions").asLong() < 0) {
                causes.add(FieldCause.invalid("spec.leaseTransitions", spec.get("leaseTransitions").asLong(), "must be greater than or equal to 0"));
            }
        }
        return causes;
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Holder", "string", "The holder of the lease"), o -> Json.text(o.get("spec"), "holderIdentity"))
                .age().build();
    }
}
