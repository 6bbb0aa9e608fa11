package io.jenkins.plugins.immutable.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/** A subcommand that runs engine work in a {@link Session}: configuration, output and wiring, closed at the end. */
abstract class EngineCommand implements Callable<Integer> {

    @CommandLine.ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (Session session = new Session(main, spec.commandLine())) {
            return run(session);
        }
    }

    /** Does the work; returns the exit code (0) or throws an EngineException whose kind chooses it. */
    abstract int run(Session session) throws Exception;
}
