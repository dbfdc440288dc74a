package dev.vigil.detections.sigma;


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

    /**
     * The address bytes of an IPv4 or IPv6 literal, or null; never a DNS lookup. The same answers as
     * {@link java.net.InetAddress#getByName} for literals (an IPv4-mapped IPv6 address is its 4 IPv4 bytes; a
     * zone must be a number), parsed by hand: a rule with {@code |cidr} parses the event's address each time it
     * is evaluated, and the JDK took 250 to 450 ns per IPv6 address (measured), several rules' worth of work.
     */
    static byte[] literal(String s) {
        int n = s.length();
        if (n == 0) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            byte[] b = new byte[4];
            return ipv4(s, 0, n, b, 0) ? b : null;
        }
        int from = 0;
        int to = n;
        if (s.charAt(0) == '[') {
            if (s.charAt(n - 1) != ']') {
                return null;
            }
            from = 1;
            to = n - 1;
        }
        int zone = s.indexOf('%', from);
        if (zone >= 0 && zone < to) {
            if (zone + 1 == to) {
                return null;
            }
            for (int i = zone + 1; i < to; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return null; // an interface name: InetAddress would need the machine's interfaces
                }
            }
            to = zone;
        }
        byte[] a = ipv6(s, from, to);
        if (a == null) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return a;
            }
        }
        if (a[10] == (byte) 0xff && a[11] == (byte) 0xff) {
            return new byte[] {a[12], a[13], a[14], a[15]}; // IPv4-mapped, as InetAddress answers it
        }
        return a;
    }

    /** Dotted-decimal {@code s[from, to)} into {@code out[at, at + 4)}: four parts of 1 to 3 digits, each at most 255. */
    private static boolean ipv4(String s, int from, int to, byte[] out, int at) {
        int part = 0;
        int digits = 0;
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (digits == 0 || part == 3) {
                    return false;
                }
                out[at + part++] = (byte) value;
                digits = 0;
                value = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        if (digits == 0 || part != 3) {
            return false;
        }
        out[at + 3] = (byte) value;
        return true;
    }

    /**
     * RFC 4291 text {@code s[from, to)}: up to eight groups of 1 to 4 hex digits, one {@code ::} standing for one
     * or more zero groups, the last 32 bits optionally in dotted decimal.
     */
    private static byte[] ipv6(String s, int from, int to) {
        byte[] a = new byte[16];
        int at = 0; // bytes written
        int gap = -1; // where :: is, in bytes
        int i = from;
        if (i + 1 < to && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
            gap = 0;
            i += 2;
            if (i == to) {
                return a;
            }
        } else if (i < to && s.charAt(i) == ':') {
            return null;
        }
        while (i < to) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 5) {
                int d = Character.digit(s.charAt(i), 16);
                if (d < 0 || s.charAt(i) > 'f') {
                    break;
                }
                value = (value << 4) | d;
                i++;
            }
            if (i < to && s.charAt(i) == '.') { // the dotted IPv4 tail
                if (at > 12 || !ipv4(s, start, to, a, at)) {
                    return null;
                }
                at += 4;
                i = to;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4 || at > 14) {
                return null;
            }
            a[at++] = (byte) (value >>> 8);
            a[at++] = (byte) value;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < to && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null; // a second ::
                }
                gap = at;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                return null; // ends with a single ':'
            }
        }
        if (gap < 0) {
            return at == 16 ? a : null;
        }
        if (at == 16) {
            return null; // :: stands for at least one group
        }
        int tail = at - gap;
        System.arraycopy(a, gap, a, 16 - tail, tail);
        java.util.Arrays.fill(a, gap, 16 - tail, (byte) 0);
        return a;
    }
}
