package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code immutable sign-ledger}: sign, once, the head of a ledger written before its environment had a ledger key. */
@Command(name = "sign-ledger", mixinStandardHelpOptions = true,
        description = {"Sign the head of an environment's ledger that was written before its ledgerKey was configured,"
            + " once: a new version with the same entries, signed with the ledger key, so that readers that check"
            + " signatures accept it. Every later write signs its own version. The ledger is checked first as every"
            + " read checks it (its signature aside); signing vouches for its history as it is, so look at it first"
            + " (immutable history ENVIRONMENT).",
            "Exit 0 when signed, or when the head is signed already or the ledger is empty; 6 when the ledger is"
            + " broken, or when an earlier version is signed and later ones are not (without"
            + " --after-unsigned-writes)."})
final class SignLedgerCommand extends EngineCommand {

    @Parameters(index = "0", paramLabel = "ENVIRONMENT", description = "The environment.")
    String environment;

    @Option(names = "--after-unsigned-writes",
            description = "Sign even when an earlier version is signed and the versions after it are not (signing was"
                + " turned off in between on purpose and their entries were checked).")
    boolean afterUnsignedWrites;

    @Override
    int run(Session session) {
        Wiring w = session.wiring();
        w.environment(environment);
        LedgerLocation where = w.ledgerLocation(environment);
        Optional<LedgerHistory> signed = w.ledger().signHead(where, afterUnsignedWrites, session.output());
        session.output().result(Output.object().put("environment", environment)
                        .put("ledger", where.ledgerReference().toString())
                        .put("signed", signed.isPresent())
                        .put("version", signed.map(h -> h.version().toString()).orElse(null)),
                signed.map(h -> environment + ": the ledger's head is signed (version " + h.version() + ", "
                        + h.entries().size() + " entries)").orElse(environment + ": nothing to sign"));
        return 0;
    }
}
