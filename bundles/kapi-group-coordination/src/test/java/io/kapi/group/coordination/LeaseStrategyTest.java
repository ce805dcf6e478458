package io.kapi.group.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.TableConvertor;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lease strategy and provider, tested on the group-author API alone, as a group of one's own would be. */
class LeaseStrategyTest {
    private static ObjectNode lease(long duration, long transitions) {
        ObjectNode o = Json.object();
        Json.metadata(o).put("name", "l").put("creationTimestamp", Json.timestamp(Instant.now().minusSeconds(330)));
        o.putObject("spec").put("holderIdentity", "node-1").put("leaseDurationSeconds", duration).put("leaseTransitions", transitions);
        return o;
    }

    @Test
    void kubesValidationMessages() {
        assertEquals(List.of(), new LeaseStrategy().validate(lease(15, 0)));
        List<FieldCause> causes = new LeaseStrategy().validate(lease(0, -1));
        assertEquals(List.of(
                FieldCause.invalid("spec.leaseDurationSeconds", 0L, "must be greater than 0"),
                FieldCause.invalid("spec.leaseTransitions", -1L, "must be greater than or equal to 0")), causes);
    }

    @Test
    void holderAndAgeColumns() {
        TableConvertor table = new LeaseStrategy().table();
        assertEquals(List.of("Name", "Holder", "Age"), table.columns().stream().map(c -> c.name()).toList());
        assertEquals(List.of("l", "node-1", "5m30s"), table.cells(lease(15, 0)));
    }

    @Test
    void theProviderServesLeasesWithTheirSchema() {
        CoordinationGroupProvider provider = new CoordinationGroupProvider();
        assertEquals("coordination.k8s.io", provider.group());
        ResourceDefinition leases = provider.resources().get(0);
        assertEquals("leases", leases.plural());
        assertTrue(leases.namespaced());
        assertEquals("object", leases.schema().path("type").asText());
        assertTrue(leases.schema().path("properties").has("spec"));
    }
}
