package dev.vigil.local;

import dev.vigil.local.bench.BenchCommand;
import dev.vigil.local.chaos.ChaosCommand;
import dev.vigil.local.demo.DemoCommand;
import dev.vigil.local.detect.DetectCommand;
import dev.vigil.local.savepoint.SavepointCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./vigil <command>}: runs Vigil on this machine. Subcommands live in their own packages
 * ({@code demo}, {@code chaos}, {@code detect}, {@code savepoint}, {@code bench}) and are registered
 * in {@link #subcommands()}.
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, version = "vigil 0.1.0-SNAPSHOT",
        description = "Runs Vigil's detection engine on this machine (embedded Kafka, S3 and a Flink MiniCluster).",
        synopsisSubcommandLabel = "COMMAND")
public final class VigilCli implements Runnable {

    /** The log4j2 configuration the local runner uses unless one is given with -Dlog4j2.configurationFile. */
    public static final String LOG_CONFIG = "log4j2-vigil-local.xml";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        configureLogging();
        int code = commandLine().execute(args);
        if (!Shutdown.inProgress()) {
            System.exit(code);
        }
    }

    /** The command line with every subcommand registered (tests call {@code execute} on it). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new VigilCli());
        for (Object sub : subcommands()) cl.addSubcommand(sub);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    static Object[] subcommands() {
        return new Object[] {new DemoCommand(), new ChaosCommand(), new DetectCommand(), new SavepointCommand(), new BenchCommand(),
            new CommandLine.HelpCommand()};
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Logs go to a file (target/logs/vigil.log under vigil.home); the console stays for the commands' output. */
    public static void configureLogging() {
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIG);
        }
        if (System.getProperty("vigil.log.dir") == null) {
            System.setProperty("vigil.log.dir", VigilHome.path("target/logs").toString());
        }
    }
}
