package io.jenkins.plugins.immutable.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.sign.KeyFiles;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.io.Console;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code immutable keygen}: a signing key pair in cosign's format. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Generate an ECDSA P-256 key pair in cosign's format: cosign.key (encrypted, owner-only) and"
            + " cosign.pub.", "The password comes from COSIGN_PASSWORD (may be empty), or is asked twice on a terminal."
            + " Existing files are never overwritten."})
final class KeygenCommand extends EngineCommand {

    @Option(names = {"-d", "--output-dir"}, paramLabel = "DIR", defaultValue = ".",
            description = "Where to write cosign.key and cosign.pub (default: the current directory).")
    Path directory;

    @Override
    int run(Session session) {
        Path dir = session.path(directory);
        char[] password = newPassword(session);
        VerificationKey key;
        try {
            key = KeyFiles.generate(dir, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        Path priv = dir.resolve(KeyFiles.PRIVATE_KEY_FILE);
        Path pub = dir.resolve(KeyFiles.PUBLIC_KEY_FILE);
        ObjectNode json = Output.object();
        json.put("privateKey", priv.toString());
        json.put("publicKey", pub.toString());
        json.put("keyId", key.keyId());
        session.output().result(json, "Wrote " + priv + " (private, encrypted, keep it secret) and " + pub
                + " (public).\nKey id " + key.keyId() + "\n\nTo trust it, add to immutable.yaml:\n"
                + "signing:\n  trustedKeys:\n    - id: release\n      publicKey: |\n"
                + key.toPem().strip().indent(8).stripTrailing() + "\n"
                + "and to sign with it: signing.keys: [{ id: release, credentialsId: release-key }], with"
                + " RELEASE_KEY_FILE=" + priv + " and RELEASE_KEY_PASSWORD in the environment.");
        return 0;
    }

    private static char[] newPassword(Session session) {
        String fromEnv = session.env().get(EnvironmentCredentials.COSIGN_PASSWORD);
        if (fromEnv != null) {
            return fromEnv.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw EngineException.badInput("set " + EnvironmentCredentials.COSIGN_PASSWORD + " to the password that"
                    + " will protect the private key (empty for none), or run on a terminal to be asked");
        }
        char[] first = console.readPassword("Password for the new private key: ");
        char[] second = console.readPassword("The same password again: ");
        try {
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw EngineException.badInput("the two passwords differ; run keygen again");
            }
            return first.clone();
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }
}
