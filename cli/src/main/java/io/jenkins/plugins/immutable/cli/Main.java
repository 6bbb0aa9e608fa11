package io.jenkins.plugins.immutable.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code immutable} command: the engine's steps on the command line, the same words as the Pipeline steps. */
@Command(name = "immutable", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Build once, sign, scan, promote by digest, roll back by replacement.")
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public void run() {
        // No subcommand: say what there is rather than do nothing silently.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest, so the command reports what was built, not a copy in the source. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"immutable " + (version == null ? "(development build)" : version)};
        }
    }
}
