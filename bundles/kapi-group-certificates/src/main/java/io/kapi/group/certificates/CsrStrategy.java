package io.kapi.group.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.HumanDuration;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidation;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * kube 1.32's CertificateSigningRequest strategy ({@code pkg/registry/certificates/certificates/strategy.go}):
 * a create starts with an empty status (no pre-approved requests); an update of the resource itself changes
 * metadata only, spec and status are the stored ones (the status is written through {@code /status} and
 * {@code /approval}). The requesting user is put in the spec by {@link CsrRest}, which knows the request.
 * Any name that is one URL path segment ({@code ValidateCertificateRequestName} accepts every name; kube's
 * store then checks the path segment). The field selector {@code spec.signerName}; kube's printer. Stateless.
 */
final class CsrStrategy implements Strategy {
    private final TableConvertor table;

    CsrStrategy(ObjectNode openApi) {
        table = printer(openApi);
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        // kube's v1 has no defaults; its JSON decoding refuses byte fields it cannot decode
        GoBytes.checkDecodable(object);
    }

    @Override
    public List<String> validateName(String name, boolean prefix) {
        return prefix ? NameValidation.isPathSegmentPrefix(name) : NameValidation.isPathSegmentName(name);
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        // "users cannot create pre-approved certificate requests": Go writes the empty status struct as {}
        object.putObject("status");
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        // "Certificate requests are immutable after creation except via subresources"
        copy(old, object, "spec");
        copy(old, object, "status");
    }

    static void copy(ObjectNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v == null) {
            to.remove(field);
        } else {
            to.set(field, v.deepCopy());
        }
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return CsrValidation.validateCreate(object);
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return CsrValidation.validateUpdate(object, old);
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        // kube's SelectableFields (and the v1 field label conversion)
        return Map.of("spec.signerName", CsrValidation.signerName(object));
    }

    @Override
    public TableConvertor table() {
        return table;
    }

    /**
     * kube's {@code printCertificateSigningRequest}: signer, requestor, requested duration and condition,
     * with the column descriptions kube's printer takes from certificates.k8s.io/v1beta1's documentation.
     */
    private static TableConvertor printer(ObjectNode openApi) {
        // v1's description of expirationSeconds is v1beta1's word for word
        JsonNode spec = openApi.path("io.k8s.api.certificates.v1.CertificateSigningRequestSpec").path("properties");
        return Printer.builder().name().age()
                .column(TableColumn.of("SignerName", "string", SIGNER_NAME_DOC), o -> {
                    String signer = CsrValidation.signerName(o);
                    return signer.isEmpty() ? "<none>" : signer;
                })
                .column(TableColumn.of("Requestor", "string", "Base64-encoded PKCS#10 CSR data"),
                        o -> CsrValidation.text(o.path("spec").get("username")))
                .column(TableColumn.of("RequestedDuration", "string", spec.path("expirationSeconds").path("description").asText()),
                        CsrStrategy::requestedDuration)
                .column(TableColumn.of("Condition", "string", "Conditions applied to the request, such as approval or denial."),
                        CsrStrategy::condition)
                .build();
    }

    /** kube's v1beta1 documentation of signerName, which its printer shows (v1's differs). */
    private static final String SIGNER_NAME_DOC = "Requested signer for the request. It is a qualified name in the form: "
            + "`scope-hostname.io/name`. If empty, it will be defaulted:\n 1. If it's a kubelet client certificate, it is assigned\n"
            + "    \"kubernetes.io/kube-apiserver-client-kubelet\".\n 2. If it's a kubelet serving certificate, it is assigned\n"
            + "    \"kubernetes.io/kubelet-serving\".\n 3. Otherwise, it is assigned \"kubernetes.io/legacy-unknown\".\n"
            + "Distribution of trust for signers happens out of band. You can select on this field using `spec.signerName`.";

    static String requestedDuration(ObjectNode csr) {
        JsonNode seconds = csr.path("spec").get("expirationSeconds");
        if (seconds == null || seconds.isNull()) {
            return "<none>";
        }
        return HumanDuration.format(Duration.ofSeconds(seconds.asLong()));
    }

    /** kube's {@code extractCSRStatus}: Denied over Approved over Pending, then Failed, then Issued. */
    static String condition(ObjectNode csr) {
        boolean approved = false;
        boolean denied = false;
        boolean failed = false;
        for (JsonNode c : CsrValidation.conditions(csr)) {
            switch (CsrValidation.type(c)) {
                case CsrValidation.APPROVED -> approved = true;
                case CsrValidation.DENIED -> denied = true;
                case CsrValidation.FAILED -> failed = true;
                default -> {
                }
            }
        }
        String status = denied ? "Denied" : approved ? "Approved" : "Pending";
        if (failed) {
            status += ",Failed";
        }
        if (!GoBytes.isEmpty(csr.path("status").get("certificate"))) {
            status += ",Issued";
        }
        return status;
    }
}
