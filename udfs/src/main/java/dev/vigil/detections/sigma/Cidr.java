package dev.vigil.detections.sigma;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** {@code |cidr}: whether an address lies in a network, IPv4 or IPv6. Only literals are parsed, never resolved. */
final class Cidr {

    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    static Cidr parse(String cidr) throws RuleRejectedException {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] bytes = literal(address.trim());
        if (bytes == null) {
            throw new RuleRejectedException("modifier |cidr", "not an IP network: " + cidr);
        }
        int prefix;
        try {
            prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(cidr.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new RuleRejectedException("modifier |cidr", "bad prefix length in " + cidr);
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw new RuleRejectedException("modifier |cidr", "bad prefix length in " + cidr);
        }
        return new Cidr(bytes, prefix);
    }

    boolean contains(String address) {
        return contains(literal(address.trim()));
    }

    /** {@code a}: an address as {@link #literal} parsed it, or null. */
    boolean contains(byte[] a) {
        if (a == null || a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (network[full] & mask);
    }

    /** The address bytes of an IPv4 or IPv6 literal, or null (never a DNS lookup). */
    static byte[] literal(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            if (s.startsWith("[") && s.endsWith("]")) {
                s = s.substring(1, s.length() - 1);
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%')) {
                    return null;
                }
            }
            try {
                return InetAddress.getByName(s).getAddress(); // a literal: parsed, not resolved
            } catch (UnknownHostException e) {
                return null;
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < parts[i].length(); j++) {
                int d = parts[i].charAt(j) - '0';
                if (d < 0 || d > 9) {
                    return null;
                }
                v = v * 10 + d;
            }
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }
}
