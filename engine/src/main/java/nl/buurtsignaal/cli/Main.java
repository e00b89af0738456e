package nl.buurtsignaal.cli;

import nl.buurtsignaal.base.EngineException;
import nl.buurtsignaal.base.UsageException;
import nl.buurtsignaal.config.EngineConfig;
import nl.buurtsignaal.ingest.DeliveryRejected;
import nl.buurtsignaal.lake.Lake;
import nl.buurtsignaal.lake.RunAudit;
import nl.buurtsignaal.lake.RunEnvelope;
import nl.buurtsignaal.lake.SparkSessions;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;

/** {@code bin/buurtsignaal}: the engine's command line (contract section 6). */
@Command(name = "buurtsignaal", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Neighbourhood risk indicators and address-level signals on Spark and Delta Lake.",
        footer = {"", "The bench (a module of its own, bench/): bin/buurtsignaal bench, hub-bench and model-bench; each has --help."},
        subcommands = {IngestCommand.class, RunCommand.class, SqlCommand.class, GenerateCommand.class,
                DemoCommand.class, PublishCommand.class, EraseCommand.class, RetentionCommand.class, DocsCommand.class,
                HubCommand.class, HubUserCommand.class, ModelCommand.class, ReportCommand.class, ServeCommand.class, WarmUpCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    public static final int OK = RunEnvelope.OK;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int REJECTED = RunEnvelope.REJECTED;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The current command's arguments, for audit.run. */
    private static List<String> arguments = List.of();

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return USAGE;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command and returns its exit status; never calls System.exit (tests call this). */
    public static int execute(String... args) {
        return execute(List.of(), args);
    }

    /**
     * Runs one command of the command line with further commands added (the bench module adds its
     * bench, hub-bench and model-bench), with the same error handling and exit statuses.
     */
    public static int execute(List<Object> moreCommands, String... args) {
        arguments = List.of(args);
        CommandLine cli = new CommandLine(new Main());
        moreCommands.forEach(cli::addSubcommand);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UsageException) {
                System.err.println("buurtsignaal: " + e.getMessage());
                return USAGE;
            }
            if (e instanceof DeliveryRejected) {
                System.err.println("buurtsignaal: delivery rejected: " + e.getMessage());
                return REJECTED;
            }
            if (e instanceof EngineException) {
                System.err.println("buurtsignaal: " + e.getMessage());
                return FAILURE;
            }
            // An unexpected failure: one line naming its kind; the stack trace only with --verbose,
            // since Spark's messages can quote row values.
            if (isConcurrentWrite(e)) {
                System.err.println("buurtsignaal: another process changed the lake at the same time ("
                        + e.getClass().getSimpleName() + "); this command's last write did not land: run it again");
                return FAILURE;
            }
            Throwable storage = storageProblem(e);
            if (storage != null && !Options.verbose) {
                // the store's own words name a path or a credential provider, never a row's values
                String words = String.valueOf(storage.getMessage()).lines().findFirst().orElse("");
                System.err.println("buurtsignaal: the lake's storage failed: " + storage.getClass().getSimpleName() + ": "
                        + masked(words.length() > 400 ? words.substring(0, 400) + "..." : words));
                return FAILURE;
            }
            System.err.println("buurtsignaal: failed: " + e.getClass().getSimpleName()
                    + (Options.verbose ? ": " + masked(String.valueOf(e.getMessage())) : " (run with --verbose for details)"));
            if (Options.verbose) {
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(trace));
                System.err.print(masked(trace.toString()));
            }
            return FAILURE;
        });
        cli.setParameterExceptionHandler((ex, a) -> {
            System.err.println("buurtsignaal: " + ex.getMessage());
            System.err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        return cli.execute(args);
    }

    /** Nine digits in a row, the shape of a BSN, masked wherever the engine prints a foreign message. */
    public static String masked(String text) {
        return nl.buurtsignaal.base.BsnMask.masked(text);
    }

    /**
     * The deepest cause that is the storage's (missing credentials, an unreachable or refusing store),
     * or null: such a failure is told in one line without --verbose.
     */
    static Throwable storageProblem(Throwable e) {
        Throwable found = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getName();
            if (name.startsWith("org.apache.hadoop.fs.s3a.") || t instanceof java.nio.file.AccessDeniedException
                    || t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || name.startsWith("software.amazon.awssdk.")) {
                found = t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return found;
    }

    /** Delta's optimistic concurrency refused a commit because another writer committed first. */
    static boolean isConcurrentWrite(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.delta.exceptions.DeltaConcurrentModificationException) {
                return true;
            }
        }
        return false;
    }

    /** Settings options every command that starts Spark shares. */
    public static class ConfigOptions {
        public static boolean verbose;

        @Option(names = "--conf", paramLabel = "FILE", description = "A YAML file whose settings override conf/buurtsignaal.yaml.")
        public Path conf;

        @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override one setting, e.g. scoring.flag_min_score=1.5 (repeatable).")
        public List<String> settings = new ArrayList<>();

        @Option(names = {"-v", "--verbose"}, description = "Show Spark's own INFO logging and stack traces.")
        void setVerbose(boolean value) {
            verbose = value;
        }

        public EngineConfig config() {
            return EngineConfig.load(EngineConfig.defaultConfDir(), conf, settings);
        }

        public SparkSession spark(EngineConfig config) {
            Configurator.setLevel("org.apache.spark", verbose ? Level.INFO : Level.WARN);
            Configurator.setLevel("io.delta", verbose ? Level.INFO : Level.WARN);
            Configurator.setRootLevel(verbose ? Level.INFO : Level.WARN);
            return SparkSessions.getOrCreate(config);
        }
    }

    /** Options every lake command shares. */
    public static class Options extends ConfigOptions {
        @Option(names = "--lake", paramLabel = "DIR|URI", description = "The Delta lake: a folder, or a Hadoop file system URI such as hdfs://namenode:8020/buurtsignaal (default: 'lake' in the configuration).")
        String lake;

        /** The lake's location: a URI as given, a local path made absolute (relative to conf/ when it comes from conf). */
        public String lakePath(EngineConfig config) {
            if (lake != null) {
                return Lake.normalise(lake);
            }
            String configured = config.settings().lake();
            return Lake.isUri(configured) ? Lake.normalise(configured) : config.resolve(config.settings().lake()).toString();
        }

        public Lake openLake(EngineConfig config) {
            return new Lake(spark(config), lakePath(config)).leases(config.settings().leases());
        }

        /**
         * Runs a command's work on the lake under audit.run, and for a command that changes the lake
         * under the lake's writer lock. The audit row is written also when the work fails.
         */
        public int audited(Lake lake, EngineConfig config, String command, boolean writes, ToIntFunction<RunAudit> work) {
            return RunEnvelope.run(lake, command, arguments, config.hash(), writes, m -> System.err.println("buurtsignaal: " + m), work);
        }

        /** The lake of a command that reads one: a missing lake is a usage error, before Spark starts. */
        public Lake openExistingLake(EngineConfig config) {
            String location = lakePath(config);
            if (isLocalPath(location) && !new java.io.File(location).isDirectory()) {
                throw new UsageException("lake not found: " + location + " (run ingest first)");
            }
            Lake lake = openLake(config);
            if (!lake.rootExists()) {
                throw new UsageException("lake not found: " + location + " (run ingest first)");
            }
            // sql, publish, erase and retention on a small lake run in the small-input profile too.
            SparkSessions.fitToInput(lake.spark(), config, lake.bytes("bronze"));
            return lake;
        }
    }

    /**
     * Whether a lake or landing zone can be checked on this machine's disk before Spark starts: a
     * path without a scheme, run locally. Under spark-submit such a path is resolved by the
     * cluster's fs.defaultFS (often HDFS), so it is checked through Hadoop once Spark runs.
     */
    static boolean isLocalPath(String location) {
        return !Lake.isUri(location) && System.getProperty("spark.master") == null;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"buurtsignaal " + (v == null ? "(development build)" : v)};
        }
    }
}
