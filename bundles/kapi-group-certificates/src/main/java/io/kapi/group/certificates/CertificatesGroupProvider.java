package io.kapi.group.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.Subresource;
import io.kapi.machinery.apply.FieldManager;
import java.util.List;
import java.util.function.Function;
import org.osgi.service.component.annotations.Component;

/**
 * certificates.k8s.io/v1: certificatesigningrequests (short name {@code csr}, cluster-scoped) with kube
 * 1.32's schema, strategy, validation and printer, and its two subresources: {@code status} (the
 * certificate and the conditions but Approved and Denied) and {@code approval} (the conditions). Stored
 * objects only: no signer issues certificates and no controller approves or cleans up requests.
 */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
public final class CertificatesGroupProvider implements APIGroupProvider {
    static final String GROUP = "certificates.k8s.io";
    static final String KIND = "CertificateSigningRequest";
    static final ObjectNode OPENAPI = Json.resource(CertificatesGroupProvider.class, "certificates-v1-openapi.json");
    static final String SCHEMA = "io.k8s.api.certificates.v1.CertificateSigningRequest";

    private static final CsrStrategy CSRS = new CsrStrategy(OPENAPI);
    /** Records the writes through {@code /approval}; holds only the schema. */
    private static final FieldManager APPROVAL_FIELDS = new FieldManager(OPENAPI.get(SCHEMA), refs(OPENAPI), GROUP + "/v1");

    private static final List<ResourceDefinition> RESOURCES = List.of(
            ResourceDefinition.builder("v1", "certificatesigningrequests", KIND).shortNames("csr")
                    .openApi(OPENAPI, SCHEMA).strategy(CSRS)
                    .storage(binding -> new CsrRest(binding.genericStore(CSRS)))
                    .status(new CsrStatusStrategy())
                    .subresource(new Subresource(CsrApprovalRest.SUBRESOURCE, GROUP, "v1", KIND, (ObjectNode) OPENAPI.get(SCHEMA),
                            binding -> new CsrApprovalRest(binding, CSRS, APPROVAL_FIELDS, Json::now)))
                    .build());

    /** The {@code $ref}s of the document's schemas, to its own components. */
    static Function<String, JsonNode> refs(ObjectNode components) {
        String prefix = "#/components/schemas/";
        return ref -> ref.startsWith(prefix) ? components.get(ref.substring(prefix.length())) : null;
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public List<String> versions() {
        return List.of("v1");
    }

    @Override
    public List<ResourceDefinition> resources() {
        return RESOURCES;
    }
}
