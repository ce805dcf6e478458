package io.kapi.group.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * kube 1.32's CertificateSigningRequest validation ({@code pkg/apis/certificates/validation}): one
 * check of the object with options that depend on the write path and on what is stored already (kube's
 * {@code certificateValidationOptions}: problems present in the stored object are tolerated, for
 * compatibility with data written by older servers), plus the update rules of each path. Metadata is
 * the store's. Stateless.
 */
final class CsrValidation {
    static final String APPROVED = "Approved";
    static final String DENIED = "Denied";
    static final String FAILED = "Failed";
    static final String LEGACY_UNKNOWN_SIGNER = "kubernetes.io/legacy-unknown";

    /** kube's {@code allValidUsages}, in the sorted order of its {@code sets.String.List()}. */
    static final List<String> USAGES = List.of("any", "cert sign", "client auth", "code signing", "content commitment",
            "crl sign", "data encipherment", "decipher only", "digital signature", "email protection", "encipher only",
            "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc",
            "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping");

    /** Condition types that may only be True ({@code trueConditionTypes}). */
    private static final Set<String> TRUE_ONLY_TYPES = Set.of(APPROVED, DENIED, FAILED);
    private static final List<String> TRUE_ONLY = List.of("True");
    private static final List<String> ALL_STATUSES = List.of("False", "True", "Unknown");

    /** kube's {@code certificateValidationOptions}. */
    record Options(boolean allowSettingApprovalConditions, boolean allowSettingCertificate,
                   boolean allowBothApprovedAndDenied, boolean allowLegacySignerName,
                   boolean allowDuplicateConditionTypes, boolean allowEmptyConditionType,
                   boolean allowArbitraryCertificate, boolean allowUnknownUsages, boolean allowDuplicateUsages) {
        Options settingApprovalConditions() {
            return new Options(true, allowSettingCertificate, allowBothApprovedAndDenied, allowLegacySignerName,
                    allowDuplicateConditionTypes, allowEmptyConditionType, allowArbitraryCertificate, allowUnknownUsages,
                    allowDuplicateUsages);
        }

        Options settingCertificate() {
            return new Options(allowSettingApprovalConditions, true, allowBothApprovedAndDenied, allowLegacySignerName,
                    allowDuplicateConditionTypes, allowEmptyConditionType, allowArbitraryCertificate, allowUnknownUsages,
                    allowDuplicateUsages);
        }
    }

    private CsrValidation() {
    }

    /** kube's {@code getValidationOptions}: {@code old} is null on create. */
    static Options options(ObjectNode csr, ObjectNode old) {
        if (old == null) {
            return new Options(false, false, false, false, false, false, false, false, false);
        }
        List<JsonNode> oldConditions = conditions(old);
        boolean approved = oldConditions.stream().anyMatch(c -> type(c).equals(APPROVED));
        boolean denied = oldConditions.stream().anyMatch(c -> type(c).equals(DENIED));
        Set<String> seen = new HashSet<>();
        boolean duplicateTypes = oldConditions.stream().anyMatch(c -> !seen.add(type(c)));
        boolean emptyType = oldConditions.stream().anyMatch(c -> type(c).isEmpty());
        byte[] oldCertificate = certificate(old);
        boolean arbitraryCertificate = Arrays.equals(orEmpty(certificate(csr)), orEmpty(oldCertificate))
                || X509Checks.certificateError(oldCertificate) != null;
        List<String> oldUsages = usages(old);
        return new Options(false, false, approved && denied, signerName(old).equals(LEGACY_UNKNOWN_SIGNER),
                duplicateTypes, emptyType, arbitraryCertificate, oldUsages.stream().anyMatch(u -> !USAGES.contains(u)),
                new HashSet<>(oldUsages).size() != oldUsages.size());
    }

    /** kube's {@code ValidateCertificateSigningRequestCreate}. */
    static List<FieldCause> validateCreate(ObjectNode csr) {
        return validate(csr, options(csr, null));
    }

    /** kube's {@code ValidateCertificateSigningRequestUpdate}: the resource itself. */
    static List<FieldCause> validateUpdate(ObjectNode csr, ObjectNode old) {
        return validateUpdate(csr, old, options(csr, old));
    }

    /** kube's {@code ValidateCertificateSigningRequestStatusUpdate}: {@code /status} may set the certificate. */
    static List<FieldCause> validateStatusUpdate(ObjectNode csr, ObjectNode old) {
        return validateUpdate(csr, old, options(csr, old).settingCertificate());
    }

    /** kube's {@code ValidateCertificateSigningRequestApprovalUpdate}: {@code /approval} may set Approved and Denied. */
    static List<FieldCause> validateApprovalUpdate(ObjectNode csr, ObjectNode old) {
        return validateUpdate(csr, old, options(csr, old).settingApprovalConditions());
    }

    /** kube's {@code validateCertificateSigningRequest}, without the metadata. */
    static List<FieldCause> validate(ObjectNode csr, Options opts) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = csr.path("spec");
        byte[] request = GoBytes.of(spec.get("request"));
        String requestError = X509Checks.requestError(request);
        if (requestError != null) {
            causes.add(FieldCause.invalidRendered("spec.request", GoBytes.goSyntax(request), requestError));
        }
        List<String> usages = usages(csr);
        if (usages.isEmpty()) {
            causes.add(FieldCause.required("spec.usages", ""));
        }
        if (!opts.allowUnknownUsages()) {
            for (int i = 0; i < usages.size(); i++) {
                if (!USAGES.contains(usages.get(i))) {
                    causes.add(FieldCause.notSupported("spec.usages[" + i + "]", usages.get(i), USAGES));
                }
            }
        }
        if (!opts.allowDuplicateUsages()) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < usages.size(); i++) {
                if (!seen.add(usages.get(i))) {
                    causes.add(FieldCause.duplicate("spec.usages[" + i + "]", usages.get(i)));
                }
            }
        }
        String signerName = signerName(csr);
        if (!opts.allowLegacySignerName() && signerName.equals(LEGACY_UNKNOWN_SIGNER)) {
            causes.add(FieldCause.invalid("spec.signerName", signerName, "the legacy signerName is not allowed via this API version"));
        } else {
            causes.addAll(validateSignerName("spec.signerName", signerName));
        }
        JsonNode expiration = spec.get("expirationSeconds");
        if (expiration != null && !expiration.isNull() && expiration.asLong() < 600) {
            causes.add(FieldCause.invalid("spec.expirationSeconds", expiration.asLong(),
                    "may not specify a duration less than 600 seconds (10 minutes)"));
        }
        causes.addAll(validateConditions(csr, opts));
        if (!opts.allowArbitraryCertificate()) {
            String certificateError = X509Checks.certificateError(certificate(csr));
            if (certificateError != null) {
                causes.add(FieldCause.invalid("status.certificate", "<certificate data>", certificateError));
            }
        }
        return causes;
    }

    /** kube's {@code validateConditions}. */
    private static List<FieldCause> validateConditions(ObjectNode csr, Options opts) {
        List<FieldCause> causes = new ArrayList<>();
        Set<String> seenTypes = new HashSet<>();
        boolean hasApproved = false;
        boolean hasDenied = false;
        List<JsonNode> conditions = conditions(csr);
        for (int i = 0; i < conditions.size(); i++) {
            String at = "status.conditions[" + i + "]";
            String type = type(conditions.get(i));
            String status = text(conditions.get(i).get("status"));
            if (!opts.allowEmptyConditionType() && type.isEmpty()) {
                causes.add(FieldCause.required(at + ".type", ""));
            }
            List<String> allowed = TRUE_ONLY_TYPES.contains(type) ? TRUE_ONLY : ALL_STATUSES;
            if (status.isEmpty()) {
                causes.add(FieldCause.required(at + ".status", ""));
            } else if (!allowed.contains(status)) {
                causes.add(FieldCause.notSupported(at + ".status", status, allowed));
            }
            if (!opts.allowBothApprovedAndDenied()) {
                if (type.equals(APPROVED)) {
                    hasApproved = true;
                    if (hasDenied) {
                        causes.add(FieldCause.invalid(at + ".type", type, "Approved and Denied conditions are mutually exclusive"));
                    }
                } else if (type.equals(DENIED)) {
                    hasDenied = true;
                    if (hasApproved) {
                        causes.add(FieldCause.invalid(at + ".type", type, "Approved and Denied conditions are mutually exclusive"));
                    }
                }
            }
            if (!opts.allowDuplicateConditionTypes() && !seenTypes.add(type)) {
                causes.add(FieldCause.duplicate(at + ".type", type));
            }
        }
        return causes;
    }

    /** kube's {@code validateCertificateSigningRequestUpdate}, without the metadata. */
    static List<FieldCause> validateUpdate(ObjectNode csr, ObjectNode old, Options opts) {
        List<FieldCause> causes = validate(csr, opts);
        // Approved, Denied and Failed conditions are never removed
        for (String t : List.of(APPROVED, DENIED, FAILED)) {
            if (find(csr, t).size() < find(old, t).size()) {
                causes.add(FieldCause.forbidden("status.conditions", "updates may not remove a condition of type " + FieldCause.goQuote(t)));
            }
        }
        if (!opts.allowSettingApprovalConditions()) {
            for (String t : List.of(APPROVED, DENIED)) {
                List<JsonNode> before = find(old, t);
                List<JsonNode> after = find(csr, t);
                if (after.size() > before.size()) {
                    causes.add(FieldCause.forbidden("status.conditions", "updates may not add a condition of type " + FieldCause.goQuote(t)));
                } else if (after.size() == before.size() && !after.equals(before)) {
                    // kube appends a go-cmp diff, whose text go-cmp keeps deliberately unstable; the status
                    // strategy carries the stored instances over, so no served path gets here
                    causes.add(FieldCause.forbidden("status.conditions", "updates may not modify a condition of type " + FieldCause.goQuote(t)));
                }
            }
        }
        byte[] certificate = orEmpty(certificate(csr));
        byte[] oldCertificate = orEmpty(certificate(old));
        if (!Arrays.equals(certificate, oldCertificate)) {
            if (!opts.allowSettingCertificate()) {
                causes.add(FieldCause.forbidden("status.certificate", "updates may not set certificate content"));
            } else if (oldCertificate.length > 0) {
                causes.add(FieldCause.forbidden("status.certificate", "updates may not modify existing certificate content"));
            }
        }
        return causes;
    }

    /**
     * kube's {@code ValidateSignerName} ({@code pkg/apis/core/validation}): {@code <domain>/<path>}, the domain
     * DNS-1123 labels (at least two), the path DNS-1123 subdomains separated by dots, lengths in bytes.
     */
    static List<FieldCause> validateSignerName(String path, String signerName) {
        List<FieldCause> causes = new ArrayList<>();
        if (signerName.isEmpty()) {
            causes.add(FieldCause.required(path, ""));
            return causes;
        }
        // Go's strings.Split keeps empty segments
        String[] segments = signerName.split("/", -1);
        if (segments.length != 2) {
            causes.add(FieldCause.invalid(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'"));
            return causes;
        }
        int maxDomain = NameValidation.DNS1123_SUBDOMAIN_MAX_LENGTH;
        if (bytes(segments[0]) > maxDomain) {
            causes.add(FieldCause.tooLong(path, maxDomain));
        }
        String[] domainLabels = segments[0].split("\\.", -1);
        for (String label : domainLabels) {
            List<String> errs = NameValidation.isDNS1123Label(label);
            if (!errs.isEmpty()) {
                // the first bad label only: the rest would repeat it
                errs.forEach(e -> causes.add(FieldCause.invalid(path, segments[0], "validating label " + FieldCause.goQuote(label) + ": " + e)));
                break;
            }
        }
        if (domainLabels.length < 2) {
            causes.add(FieldCause.invalid(path, segments[0], "should be a domain with at least two segments separated by dots"));
        }
        for (String label : segments[1].split("\\.", -1)) {
            List<String> errs = NameValidation.isDNS1123Subdomain(label);
            if (!errs.isEmpty()) {
                errs.forEach(e -> causes.add(FieldCause.invalid(path, segments[1], "validating label " + FieldCause.goQuote(label) + ": " + e)));
                break;
            }
        }
        int maxPath = NameValidation.DNS1123_SUBDOMAIN_MAX_LENGTH + NameValidation.DNS1123_LABEL_MAX_LENGTH + 1;
        int maxSignerName = maxDomain + maxPath + 1;
        if (bytes(signerName) > maxSignerName) {
            causes.add(FieldCause.tooLong(path, maxSignerName));
        }
        return causes;
    }

    // ---- reading the object as kube's Go types hold it (absent and null are Go's zero values)

    static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? "" : node.asText();
    }

    static String type(JsonNode condition) {
        return text(condition.get("type"));
    }

    static String signerName(ObjectNode csr) {
        return text(csr.path("spec").get("signerName"));
    }

    static List<String> usages(ObjectNode csr) {
        List<String> out = new ArrayList<>();
        csr.path("spec").path("usages").forEach(u -> out.add(text(u)));
        return out;
    }

    static List<JsonNode> conditions(ObjectNode csr) {
        List<JsonNode> out = new ArrayList<>();
        csr.path("status").path("conditions").forEach(out::add);
        return out;
    }

    /** kube's {@code findConditions}: the conditions of one type, in order. */
    static List<JsonNode> find(ObjectNode csr, String type) {
        return conditions(csr).stream().filter(c -> Objects.equals(type(c), type)).toList();
    }

    static byte[] certificate(ObjectNode csr) {
        return GoBytes.of(csr.path("status").get("certificate"));
    }

    private static byte[] orEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
