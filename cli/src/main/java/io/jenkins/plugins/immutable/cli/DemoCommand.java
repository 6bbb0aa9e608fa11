package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code immutable demo}: the whole story on the local stack, with no configuration file. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole story on the local stack (scripts/demo brings it up first), on a"
            + " configuration of its own (it takes no --config): bake a small web service (daemonless and on the Docker engine), sign it with"
            + " provenance, scan it against testdata/osv-db, promote it dev -> staging -> prod (blue-green, then a"
            + " canary judged from Prometheus metrics), bake a bad version whose canary fails and is rolled back"
            + " automatically, print the ledgers, and end with a summary of each step and its time.",
            "Reads the stack's addresses from the environment `scripts/stack env` exports. The environments dev,"
                + " staging and prod behind the stack's HAProxy are the demo's: it removes what an earlier demo left"
                + " there, and leaves the last version serving.",
            "Exit 0 when every step did what the story says; otherwise the step's own exit code."})
final class DemoCommand extends EngineCommand {

    @Option(names = "--db", paramLabel = "PATH",
            description = "The OSV database (default: testdata/osv-db of this checkout).")
    Path database;

    @Option(names = "--workdir", paramLabel = "DIR",
            description = "Where the demo writes its build contexts and its configuration (default: a new"
                    + " temporary directory).")
    Path workdir;

    @Override
    int run(Session session) throws IOException, InterruptedException {
        if (main.config != null) {
            throw EngineException.badInput("the demo takes no --config: it writes a configuration of its own (the"
                    + " immutable.yaml in its work directory, printed at the start; --workdir DIR chooses where)");
        }
        Path db = database != null ? session.path(database) : findDatabase(session);
        Path dir = workdir != null ? Files.createDirectories(session.path(workdir))
                : Files.createTempDirectory("immutable-demo-");
        Demo demo = new Demo(session, DemoStack.fromEnvironment(session.env()), db, dir);
        Demo.Outcome outcome = demo.run();
        session.output().result(outcome.json(), outcome.human());
        outcome.requireAsExpected();
        return 0;
    }

    /** testdata/osv-db of the checkout: above the working directory, or above the jar (cli/target/immutable.jar). */
    private static Path findDatabase(Session session) {
        for (Path dir = session.path(Path.of(".")); dir != null; dir = dir.getParent()) {
            Path db = dir.resolve("testdata/osv-db");
            if (Files.isDirectory(db)) {
                return db;
            }
        }
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = jar.getParent(); dir != null; dir = dir.getParent()) {
                Path db = dir.resolve("testdata/osv-db");
                if (Files.isDirectory(db)) {
                    return db;
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source to search from: fall through to the error
        }
        throw EngineException.badInput("cannot find testdata/osv-db (the demo's vulnerability database): run the demo"
                + " from the checkout, or give --db PATH");
    }
}
