package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's validation of a pod's name resolution (pkg/apis/core/validation: {@code validatePodDNSConfig},
 * {@code ValidateHostAliases}): with {@code dnsPolicy: None} a dnsConfig with a nameserver, at most 3
 * nameservers that are IPs, at most 32 search domains of at most 2048 characters together (each a DNS-1123
 * subdomain with an optional trailing dot: kube 1.32's RelaxedDNSSearchValidation is off by default), named options;
 * host aliases with an IP and DNS-1123 subdomain hostnames.
 */
final class DnsValidation {
    static final String INVALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    private static final int MAX_NAMESERVERS = 3;
    private static final int MAX_SEARCHES = 32;
    private static final int MAX_SEARCH_CHARS = 2048;

    private DnsValidation() {
    }

    static void dnsConfig(JsonNode config, String dnsPolicy, String path, List<FieldCause> causes) {
        boolean none = dnsPolicy.equals("None");
        if (none && ProbeValidation.absent(config)) {
            causes.add(FieldCause.required(path, "must provide `dnsConfig` when `dnsPolicy` is None"));
            return;
        }
        if (none && config.path("nameservers").size() == 0) {
            causes.add(FieldCause.required(path + ".nameservers", "must provide at least one DNS nameserver when `dnsPolicy` is None"));
            return;
        }
        if (ProbeValidation.absent(config)) {
            return;
        }
        JsonNode nameservers = config.path("nameservers");
        if (nameservers.size() > MAX_NAMESERVERS) {
            causes.add(FieldCause.invalidRendered(path + ".nameservers", strings(nameservers),
                    "must not have more than " + MAX_NAMESERVERS + " nameservers"));
        }
        int i = 0;
        for (JsonNode ns : nameservers) {
            ip(ns.asText(""), path + ".nameservers[" + i++ + "]", causes);
        }
        JsonNode searches = config.path("searches");
        if (searches.size() > MAX_SEARCHES) {
            causes.add(FieldCause.invalidRendered(path + ".searches", strings(searches), "must not have more than " + MAX_SEARCHES + " search paths"));
        }
        List<String> all = new ArrayList<>();
        searches.forEach(s -> all.add(s.asText("")));
        if (String.join(" ", all).length() > MAX_SEARCH_CHARS) {
            causes.add(FieldCause.invalidRendered(path + ".searches", strings(searches),
                    "must not have more than " + MAX_SEARCH_CHARS + " characters (including spaces) in the search list"));
        }
        i = 0;
        for (String search : all) {
            String at = path + ".searches[" + i++ + "]";
            String trimmed = search.endsWith(".") ? search.substring(0, search.length() - 1) : search;
            for (String msg : NameValidation.isDNS1123Subdomain(trimmed)) {
                causes.add(FieldCause.invalid(at, trimmed, msg));
            }
        }
        i = 0;
        for (JsonNode option : config.path("options")) {
            if (option.path("name").asText("").isEmpty()) {
                causes.add(FieldCause.required(path + ".options[" + i + "]", "Option.Name must not be empty"));
            }
            i++;
        }
    }

    static void hostAliases(JsonNode list, String path, List<FieldCause> causes) {
        int i = 0;
        for (JsonNode alias : list) {
            String at = path + "[" + i++ + "]";
            ip(alias.path("ip").asText(""), at + ".ip", causes);
            int j = 0;
            for (JsonNode host : alias.path("hostnames")) {
                for (String msg : NameValidation.isDNS1123Subdomain(host.asText(""))) {
                    causes.add(FieldCause.invalid(at + ".hostnames[" + j + "]", host.asText(""), msg));
                }
                j++;
            }
        }
    }

    /** An IP as kube's legacy fields accept it: IPv4 (leading zeros tolerated) or IPv6. */
    static void ip(String value, String path, List<FieldCause> causes) {
        if (!isIp(value)) {
            causes.add(FieldCause.invalid(path, value, INVALID_IP));
        }
    }

    static boolean isIp(String value) {
        if (value.contains(":")) {
            if (!value.matches("[0-9A-Fa-f:.]+")) {
                return false;
            }
            try {
                return InetAddress.getByName(value) != null;
            } catch (UnknownHostException e) {
                return false;
            }
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    private static String strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(s -> out.add(FieldCause.goQuote(s.asText(""))));
        return "[]string{" + String.join(", ", out) + "}";
    }
}
