package io.kapi.group.core;

/**
 * An IPv4 service range ({@code --service-cluster-ip-range}, e.g. kubeadm's {@code 10.96.0.0/12}): the
 * addresses a Service's cluster IP may take are those of the range but its network and broadcast
 * addresses, as kube's range allocator leaves them out. The first of them is the {@code kubernetes}
 * Service's.
 */
record ServiceCidr(String text, long network, int prefix) {
    static ServiceCidr parse(String cidr) {
        String[] parts = cidr.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        }
        int prefix = Integer.parseInt(parts[1]);
        if (prefix < 1 || prefix > 30) {
            throw new IllegalArgumentException("an IPv4 service range needs a prefix between /1 and /30: " + cidr);
        }
        long ip = toLong(parts[0]);
        if (ip < 0) {
            throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        }
        long mask = (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return new ServiceCidr(toText(ip & mask) + "/" + prefix, ip & mask, prefix);
    }

    /** How many addresses Services may take. */
    long size() {
        return (1L << (32 - prefix)) - 2;
    }

    /** The {@code offset}-th usable address (0: the first, the {@code kubernetes} Service's). */
    String address(long offset) {
        return toText(network + 1 + offset);
    }

    boolean contains(String ip) {
        long v = toLong(ip);
        return v > network && v < network + (1L << (32 - prefix)) - 1;
    }

    /** A dotted IPv4 address as a number, -1 when it is not one (kube's net.ParseIP of an IPv4 address). */
    static long toLong(String ip) {
        String[] octets = ip.split("\\.", -1);
        if (octets.length != 4) {
            return -1;
        }
        long v = 0;
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            int n = Integer.parseInt(o);
            if (n > 255) {
                return -1;
            }
            v = v * 256 + n;
        }
        return v;
    }

    static String toText(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }

    @Override
    public String toString() {
        return text;
    }
}
