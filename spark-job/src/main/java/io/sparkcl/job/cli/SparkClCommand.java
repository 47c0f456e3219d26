package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigException;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.train.report.RunFolderLock;
import io.sparkcl.job.train.report.StorageFullException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code sparkcl} command and the assembly of its subcommand tree. */
@Command(name = "sparkcl", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {"Supervised contrastive fine-tuning (CE, SCL, DualCL) of BERT-family text encoders on Apache Spark.",
                "Runs on embedded local Spark by default; deploy/bin/sparkcl switches to spark-submit when --master "
                        + "or other spark-submit options are given."},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'sparkcl COMMAND --help' for the options of a command."})
public final class SparkClCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final Logger LOG = LoggerFactory.getLogger(SparkClCommand.class);

    /** Exit code of bad options or config values. */
    public static final int EXIT_USAGE = 2;
    /** Exit code of a failed job. */
    public static final int EXIT_FAILURE = 1;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a command: train, evaluate, predict, "
                + "promote, ablate, datasets, bench or help (see --help)");
    }

    /** The full command tree, printing to {@code ctx}. */
    public static CommandLine build(CliContext ctx) {
        CommandLine root = new CommandLine(new SparkClCommand());
        root.addSubcommand("help", new CommandLine.HelpCommand());
        root.addSubcommand(withConfig(new TrainCommand(ctx), ConfigKey.Scope.TRAIN));
        root.addSubcommand(InferenceCommand.evaluate());
        root.addSubcommand(InferenceCommand.predict());
        root.addSubcommand(withConfig(new PromoteCommand(), ConfigKey.Scope.PROMOTE));
        root.addSubcommand(new CommandLine(new AblateCommand(ctx)));
        CommandLine datasets = new CommandLine(new DatasetsCommand(ctx));
        datasets.addSubcommand(new DatasetsCommand.ListCommand(ctx));
        datasets.addSubcommand(new DatasetsCommand.ShowCommand(ctx));
        datasets.addSubcommand(new DatasetsCommand.DownloadCommand(ctx));
        root.addSubcommand(datasets);
        root.addSubcommand(BenchCommand.command(ctx));
        root.setOut(new java.io.PrintWriter(ctx.out(), true));
        root.setErr(new java.io.PrintWriter(ctx.err(), true));
        root.setExecutionExceptionHandler((ex, cmd, parsed) -> handle(ex, cmd));
        return root;
    }

    private static CommandLine withConfig(Object command, ConfigKey.Scope scope) {
        CommandLine cl = new CommandLine(command);
        ConfigOptions.addTo(cl.getCommandSpec(), scope);
        return cl;
    }

    /** Bad config values and user errors are one line; anything else is logged with its stack trace. */
    static int handle(Exception ex, CommandLine cmd) {
        String name = cmd.getCommandSpec().qualifiedName();
        if (ex instanceof ConfigException) {
            cmd.getErr().println(name + ": error: " + ex.getMessage());
            cmd.getErr().println("Run '" + name + " --help' for the options.");
            return EXIT_USAGE;
        }
        if (ex instanceof CliException) {
            cmd.getErr().println(name + ": error: " + ex.getMessage());
            return EXIT_FAILURE;
        }
        if (ex instanceof RunFolderLock.HeldException) {
            cmd.getErr().println(name + ": error: --output: " + ex.getMessage());
            return EXIT_USAGE;
        }
        if (StorageFullException.isNoSpace(ex)) {
            StorageFullException full = StorageFullException.find(ex);
            LOG.error("{} failed: the disk is full", name, ex);
            cmd.getErr().println(name + ": failed: " + (full != null ? full.getMessage()
                    : "no space left on device (" + ex.getMessage() + ")"));
            return EXIT_FAILURE;
        }
        LOG.error("{} failed", name, ex);
        cmd.getErr().println(name + ": failed: " + ex);
        return EXIT_FAILURE;
    }
}
