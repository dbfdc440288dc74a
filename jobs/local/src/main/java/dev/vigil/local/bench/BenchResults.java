package dev.vigil.local.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** What one {@code ./vigil bench} run measured, and its outputs: results.md, results.json, the chart, the BENCH line. */
record BenchResults(BenchSettings settings, long backlogBytes, List<Measurement> measurements, Measurement raw,
        Measurement pipeline, Map<Integer, Measurement> sweep, AlertLatency.Result latency, Map<Integer, RuleEngineJmh.Score> jmh,
        PipelineProfile.Breakdown profile,
        long peakHeapBytes, long peakRssBytes,
        double seconds) {

    double ratio() {
        return pipeline.medianEps() / raw.medianEps();
    }

    /** Throughput at 1,000 rules over throughput at 10 rules; NaN when the sweep lacks either. */
    double ratio1000vs10() {
        Measurement m1000 = sweep.get(1000);
        Measurement m10 = sweep.get(10);
        return m1000 == null || m10 == null ? Double.NaN : m1000.medianEps() / m10.medianEps();
    }

    long p99AlertMs() {
        return latency == null ? -1 : latency.percentile(99);
    }

    String benchLine() {
        return String.format(Locale.ROOT, "BENCH raw_eps=%d pipeline_eps=%d ratio=%.2f rules=%d ratio_1000_vs_10=%.2f p99_alert_ms=%d",
                Math.round(raw.medianEps()), Math.round(pipeline.medianEps()), ratio(), settings.rules(), ratio1000vs10(), p99AlertMs());
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), markdown());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(dir.resolve("results.json"), json.writeValueAsString(jsonTree(json)));
        chart(dir.resolve("throughput-vs-rules.png"));
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        BenchSettings s = settings;
        md.append(String.format(Locale.ROOT, "Backlog: %,d events in %d tenants' topics (%d partitions each), %.0f bytes of Avro per event (%s);"
                        + " parallelism %d, checkpoints every %s; %d runs of raw, decode and pipeline (median, min-max), 1 of the others.%n%n",
                s.events(), s.tenants().size(), s.partitions(), (double) backlogBytes / s.events(),
                s.sysmonRaw() ? "with Sysmon-style raw fields" : "native sensor shape: typed fields, raw only where no typed one", s.parallelism(),
                s.checkpointInterval(), s.repeats()));
        md.append("| run | what | events/s (median) | min-max | MB/s | x raw | CPU s per 1M events: broker / Flink or consumer |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Measurement m : measurements) {
            double[] cpu = m.cpuPerMillion(s.events());
            md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f-%,.0f | %.1f | %.3f | %.1f / %.1f |%n", m.name(), m.description(),
                    m.medianEps(), m.minEps(), m.maxEps(), m.medianBytesPerSecond() / 1e6, m.medianEps() / raw.medianEps(), cpu[0], cpu[1]));
        }
        md.append("\nRule-count sweep (full pipeline):\n\n| rules | events/s | x 10 rules |\n|---:|---:|---:|\n");
        Measurement ten = sweep.get(10);
        sweep.forEach((n, m) -> md.append(String.format(Locale.ROOT, "| %d | %,.0f | %s |%n", n, m.medianEps(),
                ten == null ? "" : String.format(Locale.ROOT, "%.2f", m.medianEps() / ten.medianEps()))));
        if (!jmh.isEmpty()) {
            md.append("\nRule engine alone (JMH, one thread, indexed, fresh events, short schedule; and the same work with the rule"
                    + " counts in turn in one JVM, `RuleScalingRatio`, median of 20 rounds' ratios and quartiles):\n\n"
                    + "| rules | events/s per core | ± | x 10 rules (JMH) | x 10 rules (in turn) |\n|---:|---:|---:|---:|---:|\n");
            RuleEngineJmh.Score jmh10 = jmh.get(10);
            jmh.forEach((n, sc) -> md.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %s | %s |%n", n, sc.eventsPerSecond(),
                    sc.error(), jmh10 == null ? "" : String.format(Locale.ROOT, "%.2f", sc.eventsPerSecond() / jmh10.eventsPerSecond()),
                    Double.isNaN(sc.ratioInTurn()) ? "" : String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", sc.ratioInTurn(),
                            sc.ratioLow(), sc.ratioHigh()))));
        }
        if (profile != null) {
            md.append(String.format(Locale.ROOT, "%nWhere the pipeline's CPU samples fall (one more pass under JFR, not counted; %,d samples,"
                    + " `%s`):%n%n| part | share |%n|---|---:|%n", profile.samples(), profile.recording().getFileName()));
            profile.byPart().keySet().forEach(part -> md.append(String.format(Locale.ROOT, "| %s | %.1f %% |%n", part,
                    100 * profile.share(part))));
        }
        if (latency != null) {
            md.append(String.format(Locale.ROOT, "%nAlert latency (produce to readable with read_committed, exactly-once sinks): %d of %d"
                            + " alerts, p50 %d ms, p99 %d ms, max %d ms.%n", latency.latenciesMs().size(), latency.sent(),
                    latency.percentile(50), latency.percentile(99), latency.percentile(100)));
        }
        md.append(String.format(Locale.ROOT, "%nMemory: peak heap %.0f MB, peak process RSS %.0f MB (broker, S3 and Flink in one JVM)."
                + " Total %.0f s.%n%n", peakHeapBytes / 1e6, peakRssBytes / 1e6, seconds));
        md.append(benchLine()).append('\n');
        return md.toString();
    }

    private ObjectNode jsonTree(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        BenchSettings s = settings;
        root.put("events", s.events()).put("backlogBytes", backlogBytes).put("tenants", s.tenants().size())
                .put("partitions", s.partitions()).put("parallelism", s.parallelism()).put("rules", s.rules())
                .put("indicators", s.indicators()).put("checkpointInterval", s.checkpointInterval().toString())
                .put("rawEps", raw.medianEps()).put("pipelineEps", pipeline.medianEps()).put("ratio", ratio())
                .put("ratio1000vs10", ratio1000vs10()).put("p99AlertMs", p99AlertMs())
                .put("peakHeapBytes", peakHeapBytes).put("peakRssBytes", peakRssBytes).put("seconds", seconds)
                .put("bench", benchLine());
        ArrayNode runs = root.putArray("measurements");
        for (Measurement m : measurements) {
            ObjectNode n = runs.addObject().put("name", m.name()).put("description", m.description()).put("medianEps", m.medianEps())
                    .put("minEps", m.minEps()).put("maxEps", m.maxEps());
            ArrayNode each = n.putArray("runs");
            for (Measurement.Run r : m.runs()) {
                each.addObject().put("eps", r.eventsPerSecond()).put("bytesPerSecond", r.bytesPerSecond()).put("seconds", r.seconds())
                        .put("brokerCpuSeconds", r.brokerCpuSeconds()).put("otherCpuSeconds", r.otherCpuSeconds());
            }
        }
        ObjectNode sw = root.putObject("sweep");
        sweep.forEach((k, m) -> sw.put(Integer.toString(k), m.medianEps()));
        ObjectNode engine = root.putObject("ruleEngineJmh");
        jmh.forEach((n, sc) -> {
            ObjectNode e = engine.putObject(Integer.toString(n)).put("eps", sc.eventsPerSecond()).put("error", sc.error());
            if (!Double.isNaN(sc.ratioInTurn())) { // JSON has no NaN
                e.put("ratioInTurn", sc.ratioInTurn()).put("ratioInTurnLow", sc.ratioLow()).put("ratioInTurnHigh", sc.ratioHigh());
            }
        });
        if (profile != null) {
            ObjectNode p = root.putObject("profile").put("samples", profile.samples());
            profile.byPart().keySet().forEach(part -> p.put(part, profile.share(part)));
        }
        if (latency != null) {
            root.putObject("latency").put("sent", latency.sent()).put("received", latency.latenciesMs().size())
                    .put("p50Ms", latency.percentile(50)).put("p99Ms", latency.percentile(99));
        }
        return root;
    }

    /** Throughput against rule count (log scale), with the raw consume rate as a line. */
    private void chart(Path png) throws IOException {
        int w = 720;
        int h = 420;
        int left = 90;
        int right = 30;
        int top = 40;
        int bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double max = Math.max(raw.medianEps(), sweep.values().stream().mapToDouble(Measurement::medianEps).max().orElse(1)) * 1.1;
        List<Integer> counts = sweep.keySet().stream().sorted().toList();
        double minLog = Math.log10(Math.max(1, counts.get(0)));
        double maxLog = Math.log10(Math.max(10, counts.get(counts.size() - 1)));
        if (maxLog <= minLog) maxLog = minLog + 1;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawLine(left, h - bottom, w - right, h - bottom);
        g.drawLine(left, top, left, h - bottom);
        g.drawString("Vigil pipeline throughput vs Sigma rule count (events/s)", left, top - 15);
        g.drawString("rules (log scale)", (w - left) / 2, h - 15);
        for (int i = 0; i <= 4; i++) {
            int y = h - bottom - (int) ((h - top - bottom) * i / 4.0);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left + 1, y, w - right, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%,.0f", max * i / 4), 5, y + 4);
        }
        int prevX = -1;
        int prevY = -1;
        g.setStroke(new BasicStroke(2f));
        for (int n : counts) {
            double eps = sweep.get(n).medianEps();
            int x = left + (int) ((w - left - right) * (Math.log10(Math.max(1, n)) - minLog) / (maxLog - minLog));
            int y = h - bottom - (int) ((h - top - bottom) * eps / max);
            g.setColor(new Color(31, 119, 180));
            g.fillOval(x - 4, y - 4, 8, 8);
            if (prevX >= 0) g.drawLine(prevX, prevY, x, y);
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(n), x - 8, h - bottom + 18);
            prevX = x;
            prevY = y;
        }
        int rawY = h - bottom - (int) ((h - top - bottom) * raw.medianEps() / max);
        g.setColor(new Color(214, 39, 40));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        g.drawLine(left, rawY, w - right, rawY);
        g.drawString("raw Kafka consume", w - right - 130, rawY - 6);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
