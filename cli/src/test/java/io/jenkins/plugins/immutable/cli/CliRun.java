package io.jenkins.plugins.immutable.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/** One in-process run of the command line: its exit code and what it printed on each stream. */
record CliRun(int exitCode, String out, String err) {

    /** Runs {@code args} in {@code dir} with the process' environment plus {@code extraEnv}. */
    static CliRun run(Path dir, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        // What the command line verified (ledger anchors) stays with the test's directory, not the user's home.
        env.putIfAbsent(Session.STATE_DIR, dir.resolve(".immutable-state").toString());
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // As main builds it: with only the subcommand the arguments name, when they name one.
        CommandLine cli = Main.commandLine(env, dir, args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
}
