package dev.vigil.local.savepoint;

import dev.vigil.jobs.detection.UidManifest;
import dev.vigil.local.savepoint.SavepointReport.Operator;
import dev.vigil.local.savepoint.SavepointReport.State;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The text form of a {@link SavepointReport}: one block per operator, one line per state. */
final class ReportTable {

    private ReportTable() {}

    static void print(SavepointReport report, UidManifest manifest, PrintWriter out) {
        out.printf("Savepoint %s%n  checkpoint %d, %d operators, %s of state%n", report.path(), report.checkpointId(),
                report.operators().size(), bytes(report.totalBytes()));
        for (Operator op : report.operators()) {
            out.println();
            String uid = op.uid() == null ? "(uid unknown: not recorded in the savepoint, not in the manifest)" : op.uid();
            String retired = op.uid() != null && manifest.retired().containsKey(op.uid()) ? "  RETIRED uid" : "";
            out.printf("%s%s%n", uid, retired);
            out.printf("    operator %s, uid from %s%s, parallelism %d (max %d), %s%n", op.operatorId(), op.uidSource(),
                    op.name() == null || Objects.equals(op.name(), op.uid()) ? "" : ", name \"" + op.name() + "\"",
                    op.parallelism(), op.maxParallelism(), bytes(op.bytes()));
            if (op.states().isEmpty()) {
                out.println("    (no state)");
            }
            int nameWidth = op.states().stream().mapToInt(s -> s.name().length()).max().orElse(0);
            int kindWidth = op.states().stream().mapToInt(s -> s.kind().length()).max().orElse(0);
            for (State s : op.states()) {
                String line = String.format(Locale.ROOT, "    %-" + nameWidth + "s  %-" + kindWidth + "s  %10s  %s%s", s.name(),
                        s.kind(), bytes(s.bytes()), s.entries() < 0 ? "" : s.entries() + (s.entries() == 1 ? " entry" : " entries"),
                        s.type().isEmpty() ? "" : (s.entries() < 0 ? "" : ", ") + s.type());
                out.println(line.stripTrailing());
            }
        }
        List<String> absent = manifest.uids().keySet().stream()
                .filter(uid -> report.operators().stream().noneMatch(op -> uid.equals(op.uid()))).toList();
        if (!absent.isEmpty()) {
            out.println();
            out.println("In the uid manifest but not in this savepoint (these operators start with empty state on restore):");
            absent.forEach(uid -> out.println("    " + uid));
        }
        long unknown = report.operators().stream().filter(op -> op.uid() == null || !manifest.uids().containsKey(op.uid())).count();
        if (unknown > 0) {
            out.println();
            out.printf("%d operator(s) are not current uids of the manifest: today's job cannot restore their state"
                    + " (restore needs --allowNonRestoredState, which drops it).%n", unknown);
        }
    }

    static String bytes(long n) {
        if (n < 0) return "?";
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
}
