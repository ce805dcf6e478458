package io.kapi.core.endpoints;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One media range of an Accept or Content-Type header, with its parameters (as, g, v, ...). */
public record MediaType(String type, Map<String, String> params) {
    public static final String JSON = "application/json";
    public static final String YAML = "application/yaml";
    public static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

    public static MediaType parse(String value) {
        String[] parts = value.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0) {
                params.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), p.substring(eq + 1).trim().replace("\"", ""));
            }
        }
        return new MediaType(type, params);
    }

    /**
     * The ranges of an Accept header, preferred first, as kube's negotiation (goautoneg) orders them:
     * by q-value, then a specific type before {@code type/*} before {@code * /*}, then the client's
     * order. A range with q=0 is kept (last, as any lower q): goautoneg's {@code ParseAccept} keeps it
     * and kube's {@code NegotiateMediaTypeOptions} matches it like any other. No header is {@code * /*}.
     */
    public static List<MediaType> parseAccept(String header) {
        List<MediaType> out = new ArrayList<>();
        if (header == null || header.isBlank()) {
            out.add(new MediaType("*/*", Map.of()));
            return out;
        }
        for (String range : header.split(",")) {
            if (!range.isBlank()) {
                out.add(parse(range));
            }
        }
        // a stable sort keeps the client's order among equals
        out.sort(java.util.Comparator.comparingDouble(MediaType::q).reversed().thenComparingInt(MediaType::wildcards));
        return out;
    }

    /** The q-value (1 when absent or unreadable, as goautoneg reads it). */
    double q() {
        String q = params.get("q");
        if (q == null) {
            return 1;
        }
        try {
            return Double.parseDouble(q);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private int wildcards() {
        return type.equals("*/*") ? 2 : type.endsWith("/*") ? 1 : 0;
    }

    public String param(String name) {
        return params.getOrDefault(name, "");
    }

    public boolean isJsonLike() {
        return type.equals(JSON) || type.equals("*/*") || type.equals("application/*");
    }
}
