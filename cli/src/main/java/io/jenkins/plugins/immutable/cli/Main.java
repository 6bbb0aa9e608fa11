package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.EngineException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code immutable} command: the engine's steps on the command line, the same words as the Pipeline steps. */
@Command(name = "immutable", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Build once, sign, scan, promote by digest, roll back by replacement.", "",
            "Configuration comes from immutable.yaml (docs/configuration.md): registries, keys, scan policy,"
                + " environments, analysis templates; flags override it. Secrets never come from flags: registry"
                + " logins and signing keys are read from environment variables named after their credentialsId"
                + " (REGISTRY_PROD_USERNAME/_PASSWORD, RELEASE_KEY_FILE or RELEASE_KEY, RELEASE_KEY_PASSWORD) or"
                + " from ~/.docker/config.json; a key file's password from COSIGN_PASSWORD or a prompt. Registries and"
                + " Prometheus are reached through the HTTP proxy of HTTPS_PROXY, HTTP_PROXY and NO_PROXY, as curl"
                + " reads them."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:" + ExitCodes.DONE,
            "1:" + ExitCodes.INTERNAL,
            "2:" + ExitCodes.BAD_INPUT,
            "3:" + ExitCodes.REFUSED,
            "4:" + ExitCodes.ANALYSIS_FAILED,
            "5:" + ExitCodes.OUTAGE,
            "6:" + ExitCodes.INTEGRITY,
            "130:" + ExitCodes.INTERRUPTED})
public final class Main implements Runnable {

    /**
     * The subcommands, in the order {@code immutable --help} lists them. Added by {@link #commandLine} rather than
     * named in {@code @Command(subcommands)}, which would have picocli build every one's model on every run.
     */
    private static final List<Class<?>> SUBCOMMANDS = List.of(BakeCommand.class, SignCommand.class,
            VerifyCommand.class, ScanCommand.class, PromoteCommand.class, RollbackCommand.class, ResumeCommand.class,
            AbandonCommand.class, FreezeCommand.class, UnfreezeCommand.class, StatusCommand.class, HistoryCommand.class,
            SignLedgerCommand.class, DriftCommand.class, PruneCommand.class, MetricsCommand.class, RescanCommand.class,
            KeygenCommand.class, DemoCommand.class, CommandLine.HelpCommand.class);

    /** Exit code for an error the engine did not classify: a bug. */
    static final int INTERNAL_ERROR = 1;
    static final int INTERRUPTED = 130;
    /** Set (to anything) to print the stack trace of an unexpected error. */
    static final String DEBUG = "IMMUTABLE_DEBUG";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "The configuration file (default: ./immutable.yaml when present).")
    Path config;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the result as one JSON document on standard output (progress stays on standard"
                    + " error).")
    boolean json;

    @Option(names = "--progress", scope = ScopeType.INHERIT, paramLabel = "MODE", defaultValue = "auto",
            description = "How progress is shown on standard error: auto (bars on a terminal, plain lines"
                    + " otherwise), bars, plain, or none.")
    Output.ProgressMode progress;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Also print the engine's log on standard error: every registry and Prometheus request"
                    + " (method, URL, status, time), retries, deployment transitions, analysis judgements and gate"
                    + " results. Secrets are never in it.")
    boolean verbose;

    private final Map<String, String> environment;
    private final Path workingDirectory;

    private Main(Map<String, String> environment, Path workingDirectory) {
        this.environment = environment;
        this.workingDirectory = workingDirectory;
    }

    public static void main(String[] args) {
        Logging.quietUnlessConfigured();
        System.exit(commandLine(System.getenv(), Path.of("").toAbsolutePath(), args).execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv(), Path.of("").toAbsolutePath());
    }

    /**
     * A command line that reads its environment variables (credentials, the stack's addresses) from {@code env} and
     * resolves relative paths against {@code workingDirectory}: what tests run in-process.
     */
    public static CommandLine commandLine(Map<String, String> env, Path workingDirectory) {
        return commandLine(env, workingDirectory, null);
    }

    /**
     * The command line for {@code args}: with only the subcommand they name when they name one (other than {@code
     * help}), since building a command's model from its annotations is most of what the command line does before the
     * command starts, and a run needs one; with every subcommand otherwise (no subcommand, {@code help}, a mistyped
     * one), for the lists and suggestions those print. {@code args} null: every subcommand.
     */
    static CommandLine commandLine(Map<String, String> env, Path workingDirectory, String[] args) {
        CommandLine cli = new CommandLine(new Main(Map.copyOf(env), workingDirectory));
        Class<?> named = args == null ? null : subcommandNamed(cli.getCommandSpec(), args);
        for (Class<?> c : named != null ? List.<Class<?>>of(named) : SUBCOMMANDS) {
            cli.addSubcommand(c);
        }
        CommandLine demo = cli.getSubcommands().get("demo");
        if (demo != null) {
            hideConfigOption(demo.getCommandSpec());
        }
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(Main::failed);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionStrategy(parsed -> {
            Main main = (Main) parsed.commandSpec().userObject();
            if (!main.verbose) {
                return new CommandLine.RunLast().execute(parsed);
            }
            java.util.logging.Level before = Logging.level();
            java.util.logging.Handler handler = Logging.verbose(cli.getErr());
            try {
                return new CommandLine.RunLast().execute(parsed);
            } finally {
                Logging.stop(handler, before);
            }
        });
        return cli;
    }

    /**
     * The subcommand {@code args} name, read as picocli reads them: the first word that is neither one of the root's
     * options nor an option's value. Null when there is none, it is {@code help} (which needs the others), or the
     * words before it are not all the root's options (picocli then says what is wrong, with every subcommand known).
     */
    static Class<?> subcommandNamed(CommandLine.Model.CommandSpec root, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                CommandLine.Model.OptionSpec option = root.findOption(eq < 0 ? arg : arg.substring(0, eq));
                if (option == null || "--".equals(arg)) {
                    return null;
                }
                if (eq < 0 && option.arity().min() > 0) {
                    i++;
                }
                continue;
            }
            for (Class<?> c : SUBCOMMANDS) {
                Command command = c.getAnnotation(Command.class);
                if (command.name().equals(arg)) {
                    return c == CommandLine.HelpCommand.class ? null : c;
                }
            }
            return null;
        }
        return null;
    }

    /**
     * The demo writes its own configuration, so its help does not offer {@code --config}; the option stays (hidden)
     * so that {@code demo --config FILE} gets the demo's own explanation rather than "unknown option".
     */
    private static void hideConfigOption(CommandLine.Model.CommandSpec demo) {
        CommandLine.Model.OptionSpec config = demo.findOption("--config");
        demo.remove(config);
        demo.addOption(config.toBuilder().hidden(true).build());
    }

    @Override
    public void run() {
        // No subcommand: say what there is rather than do nothing silently.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    Map<String, String> environment() {
        return environment;
    }

    Path workingDirectory() {
        return workingDirectory;
    }

    /** A usage error is bad input: say what is wrong, then how the command is used. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("immutable: " + e.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("Run `" + cli.getCommandSpec().qualifiedName() + " --help` for its options.");
        }
        err.flush();
        return EngineException.Kind.BAD_INPUT.exitCode();
    }

    /** Errors reach the person as one message that says what to do, and the exit code says what kind it was. */
    private static int failed(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        Main main = root(cli);
        int code;
        String kind;
        String message;
        if (e instanceof EngineException engine) {
            code = engine.kind().exitCode();
            kind = engine.kind().name();
            message = engine.getMessage();
        } else if (e instanceof InterruptedException) {
            code = INTERRUPTED;
            kind = "INTERRUPTED";
            message = "interrupted; what was under way stopped where it was (a promotion resumes with"
                    + " `immutable resume <environment>`)";
        } else {
            code = INTERNAL_ERROR;
            kind = "INTERNAL";
            boolean debug = main != null && main.environment.containsKey(DEBUG);
            message = "unexpected " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()
                    .strip()) + " (this is a bug; please report it with the command and the output of the same"
                    + " command run with " + DEBUG + "=1" + (debug ? ", below" : "") + ")";
            if (debug) {
                e.printStackTrace(err);
            }
        }
        Output.errorLine(err, message);
        if (main != null && main.json) {
            Output.printJsonError(cli.getOut(), kind, code, message);
        }
        return code;
    }

    private static Main root(CommandLine cli) {
        CommandLine c = cli;
        while (c.getParent() != null) {
            c = c.getParent();
        }
        return c.getCommand() instanceof Main m ? m : null;
    }

    /** The version from the jar's manifest, so the command reports what was built, not a copy in the source. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"immutable " + version()};
        }

        static String version() {
            String version = Main.class.getPackage().getImplementationVersion();
            return version == null ? "(development build)" : version;
        }
    }
}
