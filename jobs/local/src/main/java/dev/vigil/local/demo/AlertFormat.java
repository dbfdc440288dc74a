package dev.vigil.local.demo;

import dev.vigil.schema.Alert;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** One readable line per alert: time, tenant, severity, detection title, entity, author. */
public final class AlertFormat {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private AlertFormat() {}

    public static String line(Alert a) {
        String entity = a.getEntity() == null ? "-" : a.getEntity().getType() + "=" + a.getEntity().getValue();
        return String.format(Locale.ROOT, "ALERT %sZ  %-10s %-8s %-48s %-32s by %s",
                TIME.format(a.getLastSeen()), a.getTenantId(), a.getDetection().getSeverity(),
                a.getDetection().getTitle(), entity, a.getDetection().getAuthor());
    }
}
