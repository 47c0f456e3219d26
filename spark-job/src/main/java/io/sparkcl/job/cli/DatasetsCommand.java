package io.sparkcl.job.cli;

import io.sparkcl.datasets.DatasetsTool;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sparkcl datasets list|show NAME|download NAME}: front-end of the datasets module's DatasetsTool. */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "List, inspect and download the registry datasets.",
        subcommands = {})
public final class DatasetsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final CliContext ctx;

    public DatasetsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "give a subcommand: list, show NAME or download NAME");
    }

    /** What show and download both take: the dataset and the data root. */
    static final class DatasetArguments {
        @Parameters(index = "0", paramLabel = "NAME", description = "Registry dataset, e.g. sst2, trec or glue-rte.")
        String name;

        @Option(names = "--data-dir", paramLabel = "PATH",
                description = "Data root. Default: $SPARKCL_DATA_DIR, else ~/.cache/sparkcl/data.")
        String dataDir;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Registry datasets: splits, labels, format, and whether they are in the data root.")
    public static final class ListCommand implements Runnable {
        @Option(names = "--data-dir", paramLabel = "PATH",
                description = "Data root whose contents the PRESENT column shows. "
                        + "Default: $SPARKCL_DATA_DIR, else ~/.cache/sparkcl/data.")
        String dataDir;

        private final CliContext ctx;

        public ListCommand(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void run() {
            DatasetsTool.list(dataDir, ctx.out());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Splits, rows, label distribution and text-length percentiles of a dataset "
                    + "(downloaded first if it is not in the data root).")
    public static final class ShowCommand implements Runnable {
        @Mixin
        DatasetArguments dataset;

        @Option(names = "--master", paramLabel = "URL", description = "Spark master. Default: local[*].")
        String master;

        private final CliContext ctx;

        public ShowCommand(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void run() {
            try (SparkSession spark = SparkSessions.create("sparkcl datasets show " + dataset.name, master)) {
                DatasetsTool.show(spark, dataset.name, dataset.dataDir, ctx.out());
            }
        }
    }

    @Command(name = "download", mixinStandardHelpOptions = true,
            description = "Fetch a dataset's canonical public files into the data root and verify their checksums.")
    public static final class DownloadCommand implements Runnable {
        @Mixin
        DatasetArguments dataset;

        @Option(names = "--force", description = "Download again even if the files are already there.")
        boolean force;

        private final CliContext ctx;

        public DownloadCommand(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void run() {
            DatasetsTool.download(dataset.name, dataset.dataDir, force, ctx.out());
        }
    }
}
