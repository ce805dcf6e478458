package io.kapi.machinery.pods;

import static io.kapi.machinery.pods.PodValidationTesting.errors;
import static io.kapi.machinery.pods.PodValidationTesting.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DnsValidationTest {
    @Test
    void policyNoneNeedsANameserver() {
        assertEquals(List.of("d: Required value: must provide `dnsConfig` when `dnsPolicy` is None"),
                errors(c -> DnsValidation.dnsConfig(null, "None", "d", c)));
        assertEquals(List.of("d.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None"),
                errors(c -> DnsValidation.dnsConfig(json("{'searches':['custom']}"), "None", "d", c)));
    }

    @Test
    void nameserversSearchesAndOptions() {
        assertEquals(List.of("d.nameservers: Invalid value: []string{\"1.1.1.1\", \"2.2.2.2\", \"3.3.3.3\", \"4.4.4.4\"}: must not have more than 3 nameservers"),
                errors(c -> DnsValidation.dnsConfig(json("{'nameservers':['1.1.1.1','2.2.2.2','3.3.3.3','4.4.4.4']}"), "ClusterFirst", "d", c)));
        assertEquals(List.of("d.nameservers[0]: Invalid value: \"invalid\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                "d.searches[0]: Invalid value: \"custom?\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                        + "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "d.options[0]: Required value: Option.Name must not be empty"),
                errors(c -> DnsValidation.dnsConfig(json("{'nameservers':['invalid'],'searches':['custom?','trailing.dot.'],'options':[{'value':'1'}]}"),
                        "ClusterFirst", "d", c)));
    }

    @Test
    void ips() {
        assertTrue(DnsValidation.isIp("10.9.8.7"));
        assertTrue(DnsValidation.isIp("2001:db8::ffff"));
        assertFalse(DnsValidation.isIp("999.999.999.999"));
        assertFalse(DnsValidation.isIp("example.com"));
        assertEquals(List.of("h[0].hostnames[0]: Invalid value: \"Host_1\": a lowercase RFC 1123 subdomain must consist of lower case "
                        + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
                        + "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
                errors(c -> DnsValidation.hostAliases(json("[{'ip':'10.0.0.1','hostnames':['Host_1']}]"), "h", c)));
    }
}
