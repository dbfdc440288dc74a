package dev.vigil.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Port checks for the local runner's fixed ports. */
public final class Ports {

    private Ports() {}

    /** True when nothing listens on {@code port} (on any local address). */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A free ephemeral port. */
    public static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /**
     * Fails with one clear message naming every port (of {@code purposeByPort}: purpose -> port) already in use.
     */
    public static void requireFree(Map<String, Integer> portsByPurpose) {
        List<String> taken = new ArrayList<>();
        Map<Integer, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : portsByPurpose.entrySet()) {
            String other = seen.putIfAbsent(e.getValue(), e.getKey());
            if (other != null) {
                throw new IllegalArgumentException("port " + e.getValue() + " given for both " + other + " and " + e.getKey());
            }
            if (!isFree(e.getValue())) taken.add(e.getValue() + " (" + e.getKey() + ")");
        }
        if (!taken.isEmpty()) {
            throw new PortInUseException("Port" + (taken.size() > 1 ? "s " : " ") + String.join(", ", taken)
                    + (taken.size() > 1 ? " are" : " is") + " already in use. Is another `vigil demo` (or a Kafka,"
                    + " MinIO or Flink) running? Stop it, or pick other ports (see --help).");
        }
    }

    /** A required port is taken. */
    public static final class PortInUseException extends RuntimeException {
        public PortInUseException(String message) {
            super(message);
        }
    }
}
