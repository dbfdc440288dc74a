package dev.vigil.jobs.detection.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schema.internal.FindingWindow;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.compiler.specific.SpecificCompiler;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Avro state schema evolution against the golden savepoint: the detection job's keyed state record
 * ({@code FindingWindow} with its {@code CountedFinding}s) gains a field with a default in each record, as a
 * developer would add one to {@code Internal.avsc}; the state written by the released code is restored into
 * the evolved classes on RocksDB (Flink migrates it: the serializer snapshot in the savepoint holds the old
 * schema, the descriptor the new one) and the counts go on.
 *
 * <p>The evolved classes are generated from the evolved schema with Avro's compiler, compiled, and put
 * ahead of the build's own in a separate class loader, in which {@link EvolvedStateReader} restores the
 * state with the State Processor API and the job's own state descriptor. The rest of the build keeps
 * today's schema.
 */
class StateSchemaEvolutionITCase {

    static final Path GOLDEN = Paths.get(System.getProperty("vigil.project.root", "../.."))
            .resolve("jobs/detection/src/test/resources/golden-savepoints/detection/0.1.0/savepoint").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void theGoldenSavepointRestoresIntoAStateSchemaWithAddedFields() throws Exception {
        Schema released = FindingWindow.getClassSchema();
        Schema evolved = evolve(released);
        // the change is a compatible one by Avro's rules: new code reads old state
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(evolved, released).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        assertThat(evolved).isNotEqualTo(released);

        Path classes = compile(evolved);
        List<String> lines;
        try (URLClassLoader loader = evolvedClassLoader(classes)) {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                @SuppressWarnings("unchecked")
                Function<List<String>, List<String>> reader = (Function<List<String>, List<String>>) loader
                        .loadClass(EvolvedStateReader.class.getName()).getDeclaredConstructor().newInstance();
                lines = reader.apply(List.of(GOLDEN.toUri().toString(), classes.toUri().toURL().toString()));
            } finally {
                thread.setContextClassLoader(previous);
            }
        }

        // the reader ran on the evolved classes, not on the build's
        assertThat(new Schema.Parser().parse(lines.get(0).substring("schema ".length()))).isEqualTo(evolved);

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> windows = new ArrayList<>();
        List<String> continued = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("window ")) {
                windows.add(json.readTree(line.substring(line.indexOf(" {") + 1)));
            } else {
                continued.add(line);
            }
        }
        assertThat(windows).as(String.join("\n", lines)).isNotEmpty();
        for (JsonNode w : windows) {
            assertThat(w.get("alertsRaised").asInt()).as("default of the added FindingWindow field").isZero();
            w.get("findings").forEach(f -> assertThat(f.get("processName").isNull()).as("default of the added CountedFinding field")
                    .isTrue());
        }
        // the golden savepoint's counts came back: 4 of 5 failed logons, 20 of 25 distinct ports
        List<List<String>> eventIds = windows.stream().map(w -> {
            List<String> ids = new ArrayList<>();
            w.get("findings").forEach(f -> ids.add(f.get("eventId").asText()));
            return ids;
        }).toList();
        assertThat(eventIds).anySatisfy(ids -> assertThat(ids).containsExactly("logon-0", "logon-1", "logon-2", "logon-3"));
        assertThat(eventIds).anySatisfy(ids -> assertThat(ids).hasSize(20).contains("port-1", "port-20"));
        // and they continue in the evolved records: the next finding reaches the threshold
        assertThat(continued).anySatisfy(l -> assertThat(l).contains("|vigil-builtin-failed-logon-burst|").endsWith(" 5 true"));
        assertThat(continued).anySatisfy(l -> assertThat(l).contains("|vigil-builtin-port-scan|").endsWith(" 21 false"));
    }

    /** The released schema with one field added (with a default) to FindingWindow and one to CountedFinding. */
    static Schema evolve(Schema released) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode window = (ObjectNode) json.readTree(released.toString());
        ((ArrayNode) window.get("fields")).addObject().put("name", "alertsRaised").put("type", "int").put("default", 0)
                .put("doc", "added after 0.1.0: how many alerts this window raised");
        for (JsonNode field : window.get("fields")) {
            if (field.get("name").asText().equals("findings")) {
                ObjectNode counted = (ObjectNode) field.get("type").get("items");
                ObjectNode added = ((ArrayNode) counted.get("fields")).addObject().put("name", "processName");
                // a string the way the build's generated classes declare it (java.lang.String)
                added.putArray("type").add("null").addObject().put("type", "string").put("avro.java.string", "String");
                added.putNull("default");
            }
        }
        return new Schema.Parser().parse(json.writeValueAsString(window));
    }

    /** Generates the evolved specific classes as the build does (String strings) and compiles them. */
    private Path compile(Schema evolved) throws Exception {
        Path sources = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        SpecificCompiler avro = new SpecificCompiler(evolved);
        avro.setStringType(GenericData.StringType.String);
        avro.setFieldVisibility(SpecificCompiler.FieldVisibility.PRIVATE);
        avro.compileToDestination(null, sources.toFile());
        List<String> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        assertThat(files).extracting(f -> Paths.get(f).getFileName().toString())
                .containsExactlyInAnyOrder("FindingWindow.java", "CountedFinding.java");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                "-nowarn", "-proc:none"));
        args.addAll(files);
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac of the evolved classes").isZero();
        return classes;
    }

    /** The test class path with the evolved classes first, under the platform loader (nothing shared but the JDK). */
    private static URLClassLoader evolvedClassLoader(Path classes) throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(classes.toUri().toURL());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) urls.add(Paths.get(entry).toUri().toURL());
        }
        return new URLClassLoader("evolved-state", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }
}
