package dev.vigil.detections.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Cidr#literal} parses addresses by hand; the JDK's parser of literals is the reference it must agree
 * with, on the forms real logs hold and on malformed and random text.
 */
class CidrTest {

    /** What {@link InetAddress#getByName} makes of a literal, or null where it rejects it (or would resolve it). */
    private static byte[] jdk(String s) {
        boolean literal = !s.isEmpty();
        for (int i = 0; i < s.length() && literal; i++) {
            char c = s.charAt(i);
            literal = Character.digit(c, 16) >= 0 && c < 128 || ":.[]%".indexOf(c) >= 0;
        }
        boolean dotted = s.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
        if (!literal || s.indexOf(':') < 0 && !(dotted && s.chars().filter(c -> c == '.').count() == 3)) {
            return null; // a host name (never looked up here), or IPv4 shorthand such as "10.1" that |cidr rejects
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Test
    void agreesWithTheJdkOnRealAndMalformedAddresses() {
        List<String> cases = new ArrayList<>(List.of(
                "172.18.39.5", "10.0.2.15", "127.0.0.1", "0.0.0.0", "255.255.255.255", "1.2.3.4",
                "::1", "::", "fe80::9582:39e0:356b:ef4e", "fe80::1%12", "[::1]", "[fe80::1%3]",
                "::ffff:172.18.39.5", "::ffff:ac12:2705", "::1.2.3.4", "2001:db8::", "2001:DB8:0:0:8:800:200C:417A",
                "1:2:3:4:5:6:7:8", "1:2:3:4:5:6::8", "1::", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "64:ff9b::192.0.2.33",
                "1:2:3:4:5:6:1.2.3.4"));
        cases.addAll(List.of("-", "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", ".1.2.3", "1.2.3.", "1234.1.1.1",
                "01.2.3.4", ":::", "1:::2", "1::2::3", ":1::2", "1::2:", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
                "::1.2.3", "::1.2.3.256", "1.2.3.4::", "fe80::1%", "fe80::1%eth0", "[::1", "::1]", "g::1", "::ffff:1.2.3.4:5",
                "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4.5", "1::2:3:4:5:6:7:8"));
        Random random = new Random(7);
        String alphabet = "0123456789abcdefABCDEF:.%[]";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(20); k > 0; k--) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            cases.add(b.toString());
        }
        for (String s : cases) {
            assertThat(Cidr.literal(s)).as("'%s'", s).isEqualTo(jdk(s));
        }
        assertThat(Cidr.literal("::ffff:172.18.39.5")).containsExactly(172, 18, 39, 5);
    }
}
