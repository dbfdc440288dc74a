package dev.vigil.local.savepoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.jobs.detection.UidManifest;
import dev.vigil.testing.flink.FlinkS3;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./vigil savepoint}: tools for savepoints of Vigil's jobs, on Flink's State Processor API. */
@Command(name = "savepoint", description = "Tools for savepoints of Vigil's jobs.", mixinStandardHelpOptions = true,
        subcommands = {SavepointCommand.Inspect.class, CommandLine.HelpCommand.class}, synopsisSubcommandLabel = "COMMAND")
public final class SavepointCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code ./vigil savepoint inspect <path>}. */
    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = {"Lists a savepoint's operators by uid with their state names, kinds, serializers, entries and sizes.",
                "Reads local paths, file:// and s3:// URIs (S3 settings with -D, e.g. -D s3.endpoint=..., or the AWS"
                        + " default credentials). Exit code 0 when read, 1 when the savepoint cannot be read, 2 on usage errors."},
            exitCodeOnInvalidInput = 2)
    static final class Inspect implements Callable<Integer> {

        @Parameters(paramLabel = "PATH", description = "The savepoint directory (or its _metadata file): local path, file:// or s3:// URI.")
        String path;

        @Option(names = "--uids", paramLabel = "FILE",
                description = "Uid manifest naming the operators (default: the detection job's, jobs/detection/uids.yaml).")
        Path uids;

        @Option(names = "--json", description = "Print the report as JSON instead of a table.")
        boolean json;

        @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A Flink configuration option, e.g. -D s3.endpoint=http://localhost:9000."
                + " Options from $FLINK_CONF_DIR/config.yaml are read first.")
        Map<String, String> options = new LinkedHashMap<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            UidManifest manifest;
            if (uids != null) {
                if (!Files.isRegularFile(uids)) {
                    err.println("vigil savepoint inspect: no uid manifest at " + uids);
                    err.flush();
                    return 2;
                }
                manifest = UidManifest.load(uids);
            } else {
                manifest = UidManifest.detectionJob();
            }
            Configuration conf = new Configuration();
            String confDir = System.getenv("FLINK_CONF_DIR");
            if (confDir != null && Files.isDirectory(Path.of(confDir))) {
                conf.addAll(GlobalConfiguration.loadConfiguration(confDir));
            }
            options.forEach(conf::setString);
            if (path.startsWith("s3://") || path.startsWith("s3a://")) {
                FlinkS3.initializeFileSystems(conf);
            }
            SavepointReport report;
            try {
                report = new SavepointInspector(manifest).inspect(path);
            } catch (Exception e) {
                err.println("vigil savepoint inspect: cannot read the savepoint at " + path + ": " + e);
                err.flush();
                return 1;
            }
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            } else {
                ReportTable.print(report, manifest, out);
            }
            out.flush();
            return 0;
        }
    }
}
