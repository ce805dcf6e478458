package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's validation of a CustomResourceDefinition's {@code spec.conversion} (apiextensions-apiserver's
 * {@code validateCustomResourceConversion} and k8s.io/apiserver's webhook URL and service checks), read
 * from the v1 form and reported with kube's internal field paths ({@code spec.conversion.webhookClientConfig},
 * {@code spec.conversion.conversionReviewVersions}), as kube reports them.
 */
final class ConversionRules {
    private static final String PATH = "spec.conversion";
    private static final String FORM = "; desired format: https://host[/path]";

    private ConversionRules() {
    }

    /** v1's defaults: strategy {@code None}, a webhook service's port 443. */
    static void applyDefaults(com.fasterxml.jackson.databind.node.ObjectNode spec) {
        com.fasterxml.jackson.databind.node.ObjectNode conversion = spec.with("conversion");
        if (conversion.path("strategy").asText("").isEmpty()) {
            conversion.put("strategy", "None");
        }
        if (conversion.path("webhook").path("clientConfig").path("service") instanceof com.fasterxml.jackson.databind.node.ObjectNode svc
                && !svc.has("port")) {
            svc.put("port", 443);
        }
    }

    static List<FieldCause> validate(JsonNode conversion) {
        List<FieldCause> causes = new ArrayList<>();
        if (conversion == null || conversion.isMissingNode() || conversion.isNull()) {
            return causes;
        }
        String strategy = conversion.path("strategy").asText("");
        if (strategy.isEmpty()) {
            causes.add(FieldCause.required(PATH + ".strategy", ""));
        } else if (!strategy.equals("None") && !strategy.equals("Webhook")) {
            causes.add(FieldCause.notSupported(PATH + ".strategy", strategy, List.of("None", "Webhook")));
        }
        JsonNode webhook = conversion.path("webhook");
        JsonNode clientConfig = webhook.get("clientConfig");
        JsonNode reviewVersions = webhook.path("conversionReviewVersions");
        String cc = PATH + ".webhookClientConfig";
        if (strategy.equals("Webhook")) {
            if (clientConfig == null || clientConfig.isNull()) {
                causes.add(FieldCause.required(cc, "required when strategy is set to Webhook"));
            } else {
                boolean url = clientConfig.hasNonNull("url");
                boolean service = clientConfig.hasNonNull("service");
                if (url == service) {
                    causes.add(FieldCause.required(cc, "exactly one of url or service is required"));
                } else if (url) {
                    causes.addAll(url(cc + ".url", clientConfig.get("url").asText()));
                } else {
                    causes.addAll(service(cc + ".service", clientConfig.get("service")));
                }
                String caBundle = clientConfig.path("caBundle").asText("");
                if (!caBundle.isEmpty() && !WebhookTransport.parsesAsCertificates(decode(caBundle))) {
                    causes.add(FieldCause.invalidRendered(cc + ".caBundle", "[]byte{...}",
                            "unable to load root certificates: unable to parse bytes as PEM block"));
                }
            }
            causes.addAll(reviewVersions(reviewVersions));
        } else {
            if (clientConfig != null && !clientConfig.isNull()) {
                causes.add(FieldCause.forbidden(cc, "should not be set when strategy is not set to Webhook"));
            }
            if (reviewVersions.size() > 0) {
                causes.add(FieldCause.forbidden(PATH + ".conversionReviewVersions", "should not be set when strategy is not set to Webhook"));
            }
        }
        return causes;
    }

    static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    /** kube's {@code ValidateWebhookURL} with https forced. */
    static List<FieldCause> url(String field, String url) {
        List<FieldCause> causes = new ArrayList<>();
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            causes.add(FieldCause.required(field, "url must be a valid URL: " + e.getMessage() + FORM));
            return causes;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme();
        if (!scheme.equals("https")) {
            causes.add(FieldCause.invalid(field, scheme, "'https' is the only allowed URL scheme" + FORM));
        }
        String host = u.getRawAuthority() == null ? "" : u.getRawAuthority().replaceFirst("^.*@", "");
        if (host.isEmpty()) {
            causes.add(FieldCause.invalid(field, host, "host must be specified" + FORM));
        }
        if (u.getRawUserInfo() != null) {
            causes.add(FieldCause.invalid(field, u.getRawUserInfo(), "user information is not permitted in the URL"));
        }
        if (u.getRawFragment() != null && !u.getRawFragment().isEmpty()) {
            causes.add(FieldCause.invalid(field, u.getRawFragment(), "fragments are not permitted in the URL"));
        }
        if (u.getRawQuery() != null && !u.getRawQuery().isEmpty()) {
            causes.add(FieldCause.invalid(field, u.getRawQuery(), "query parameters are not permitted in the URL"));
        }
        return causes;
    }

    /** kube's {@code ValidateWebhookService}; the port is v1's default 443 when absent. */
    static List<FieldCause> service(String field, JsonNode service) {
        List<FieldCause> causes = new ArrayList<>();
        if (service.path("name").asText("").isEmpty()) {
            causes.add(FieldCause.required(field + ".name", "service name is required"));
        }
        if (service.path("namespace").asText("").isEmpty()) {
            causes.add(FieldCause.required(field + ".namespace", "service namespace is required"));
        }
        long port = service.path("port").asLong(443);
        if (port < 1 || port > 65535) {
            causes.add(FieldCause.invalid(field + ".port", port, "port is not valid: must be between 1 and 65535, inclusive"));
        }
        if (!service.hasNonNull("path")) {
            return causes;
        }
        String path = service.get("path").asText();
        if (path.isEmpty() || path.equals("/")) {
            return causes;
        }
        if (path.equals("//")) {
            causes.add(FieldCause.invalid(field + ".path", path, "segment[0] may not be empty"));
            return causes;
        }
        if (!path.startsWith("/")) {
            causes.add(FieldCause.invalid(field + ".path", path, "must start with a '/'"));
        }
        String check = path.substring(1);
        if (check.endsWith("/")) {
            check = check.substring(0, check.length() - 1);
        }
        String[] steps = check.split("/", -1);
        for (int i = 0; i < steps.length; i++) {
            if (steps[i].isEmpty()) {
                causes.add(FieldCause.invalid(field + ".path", path, "segment[" + i + "] may not be empty"));
                continue;
            }
            for (String failure : NameValidation.isDNS1123Subdomain(steps[i])) {
                causes.add(FieldCause.invalid(field + ".path", path, "segment[" + i + "]: " + failure));
            }
        }
        return causes;
    }

    /** kube's {@code validateConversionReviewVersions}: some, unique, DNS labels, v1 or v1beta1 among them. */
    static List<FieldCause> reviewVersions(JsonNode versions) {
        String field = PATH + ".conversionReviewVersions";
        List<FieldCause> causes = new ArrayList<>();
        if (versions.size() < 1) {
            causes.add(FieldCause.required(field, ""));
            return causes;
        }
        Set<String> seen = new HashSet<>();
        boolean accepted = false;
        List<String> rendered = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            String v = versions.get(i).asText();
            rendered.add(FieldCause.goQuote(v));
            if (!seen.add(v)) {
                causes.add(FieldCause.invalid(field + "[" + i + "]", v, "duplicate version"));
                continue;
            }
            for (String err : NameValidation.isDNS1035Label(v)) {
                causes.add(FieldCause.invalid(field + "[" + i + "]", v, err));
            }
            accepted |= v.equals("v1") || v.equals("v1beta1");
        }
        if (!accepted) {
            causes.add(FieldCause.invalidRendered(field, "[]string{" + String.join(", ", rendered) + "}",
                    "must include at least one of v1, v1beta1"));
        }
        return causes;
    }
}
