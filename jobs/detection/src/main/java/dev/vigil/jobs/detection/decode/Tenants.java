package dev.vigil.jobs.detection.decode;

import java.nio.charset.StandardCharsets;

/**
 * Where a record's tenant comes from: the topic ({@code telemetry.<tenant>}) or, on a topic that
 * names none, the record key ({@code <tenant>/<anything>}). Never from the event body, which a
 * compromised or misconfigured sensor controls.
 */
public final class Tenants {

    private Tenants() {}

    /** Tenant named by the topic's last '.'-segment, else by the key; {@code null} when neither is valid. */
    public static String resolve(String topic, byte[] key) {
        int dot = topic.lastIndexOf('.');
        if (dot >= 0) {
            String fromTopic = topic.substring(dot + 1);
            return isValid(fromTopic) ? fromTopic : null;
        }
        if (key == null || key.length == 0) {
            return null;
        }
        String k = new String(key, StandardCharsets.UTF_8);
        int slash = k.indexOf('/');
        String fromKey = slash < 0 ? k : k.substring(0, slash);
        return isValid(fromKey) ? fromKey : null;
    }

    /**
     * Tenant ids become S3 path segments and topic suffixes: letters, digits, '-' and '_' only, at
     * most 64 characters.
     */
    public static boolean isValid(String tenant) {
        int n = tenant.length();
        if (n == 0 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = tenant.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
