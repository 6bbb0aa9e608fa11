package io.jenkins.plugins.immutable.cli;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.config.ConfigYaml;
import io.jenkins.plugins.immutable.config.DeliveryConfig;
import io.jenkins.plugins.immutable.config.SigningConfig;
import io.jenkins.plugins.immutable.config.Wiring;
import io.jenkins.plugins.immutable.ledger.FileLedgerAnchors;
import io.jenkins.plugins.immutable.ledger.FileLedgerVersions;
import io.jenkins.plugins.immutable.analysis.MarginalHook;
import io.jenkins.plugins.immutable.promote.ApprovalHook;
import io.jenkins.plugins.immutable.registry.HttpProxy;
import io.jenkins.plugins.immutable.sign.KeyFiles;
import io.jenkins.plugins.immutable.sign.SigningKey;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import picocli.CommandLine;

/**
 * One command's run: its output, its configuration (immutable.yaml with the command's flags applied), and the
 * engine objects wired from it. Closed when the command ends.
 */
final class Session implements AutoCloseable {

    static final String DEFAULT_CONFIG = "immutable.yaml";

    private final Main main;
    private final Output output;
    private final List<UnaryOperator<DeliveryConfig>> overrides = new ArrayList<>();
    private DeliveryConfig config;
    private String run;
    private Path configFile;
    private Wiring wiring;
    private List<HttpProxy> proxies;
    private ApprovalHook approval = ApprovalHook.UNAVAILABLE;
    private MarginalHook marginal = MarginalHook.NOBODY;

    Session(Main main, CommandLine cli) {
        this.main = main;
        boolean terminal = System.console() != null && !"dumb".equals(main.environment().get("TERM"));
        this.output = new Output(cli.getOut(), cli.getErr(), main.json, main.progress, terminal);
    }

    Output output() {
        return output;
    }

    Map<String, String> env() {
        return main.environment();
    }

    /** A path as the user wrote it, relative to the working directory. */
    Path path(Path given) {
        return main.workingDirectory().resolve(given).normalize();
    }

    /** Who runs this, for the ledger: the local user. */
    String actor() {
        String user = env().get("USER");
        return (user == null || user.isBlank() ? "cli" : user) + " (immutable CLI)";
    }

    /** Changes the configuration before it is wired: how a command's flags override immutable.yaml. */
    void override(UnaryOperator<DeliveryConfig> change) {
        if (wiring != null) {
            throw new IllegalStateException("override the configuration before the engine is wired");
        }
        overrides.add(change);
        config = null;
    }

    /**
     * The configuration: {@code --config FILE}, else {@code ./immutable.yaml} when there is one, else empty (commands
     * then work from their flags alone).
     */
    DeliveryConfig config() {
        if (config == null) {
            DeliveryConfig c;
            if (main.config != null) {
                configFile = path(main.config);
                c = ConfigYaml.read(configFile);
            } else if (Files.isRegularFile(path(Path.of(DEFAULT_CONFIG)))) {
                configFile = path(Path.of(DEFAULT_CONFIG));
                c = ConfigYaml.read(configFile);
            } else {
                c = DeliveryConfig.EMPTY;
            }
            for (UnaryOperator<DeliveryConfig> o : overrides) {
                c = o.apply(c);
            }
            config = c;
        }
        return config;
    }

    /** Which file the configuration came from, or null when there was none. */
    Path configFile() {
        config();
        return configFile;
    }

    /**
     * The environments a command names, checked to exist; none named: every configured one, upstream before downstream
     * (BAD_INPUT when the configuration has none).
     */
    List<String> environments(List<String> named) {
        List<String> names = !named.isEmpty() ? named
                : config().environments().isEmpty() ? List.of() : config().graph().environments();
        if (names.isEmpty()) {
            throw EngineException.badInput("no environment is configured: list them under environments in"
                    + " immutable.yaml (docs/configuration.md), or give --config");
        }
        names.forEach(config()::environment);
        return names;
    }

    /** The engine objects of this configuration; built once, on first use. */
    Wiring wiring() {
        if (wiring == null) {
            Wiring.Builder b = Wiring.builder(config(), new EnvironmentCredentials(env(), main.workingDirectory()))
                    .listener(output)
                    .dockerHost(env().get("DOCKER_HOST"))
                    .dockerConfig(dockerConfig())
                    .scanIndexCache(cacheDirectory().resolve("osv-index"))
                    .ledgerAnchors(new FileLedgerAnchors(stateDirectory().resolve("ledger-anchors")))
                    .ledgerVersions(new FileLedgerVersions(cacheDirectory().resolve("ledger-versions")))
                    .approval(approval)
                    .marginal(marginal);
            proxies().forEach(b::proxy);
            wiring = b.build();
        }
        return wiring;
    }

    /** The HTTP proxies of HTTPS_PROXY, HTTP_PROXY and NO_PROXY (as curl reads them), read once. */
    List<HttpProxy> proxies() {
        if (proxies == null) {
            proxies = ProxyEnvironment.read(env());
        }
        return proxies;
    }

    /** Who approves promotions that require it; set before the engine is wired. */
    void approval(ApprovalHook hook) {
        if (wiring != null) {
            throw new IllegalStateException("set the approval hook before the engine is wired");
        }
        approval = hook;
    }

    /** Who decides a Marginal canary verdict; set before the engine is wired. */
    void marginal(MarginalHook hook) {
        if (wiring != null) {
            throw new IllegalStateException("set the marginal hook before the engine is wired");
        }
        marginal = hook;
    }

    /** An id for this invocation, recorded in the ledger as the run. */
    String run() {
        if (run == null) {
            run = "immutable-cli:" + UUID.randomUUID();
        }
        return run;
    }

    private Path dockerConfig() {
        String dir = env().get("DOCKER_CONFIG");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir, "config.json");
        }
        String home = env().getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".docker", "config.json");
    }

    /**
     * $XDG_CACHE_HOME/immutable or ~/.cache/immutable: what is worth keeping between runs and safe to lose (the scan
     * index, copies of ledger versions, the launcher's JVM archives).
     */
    Path cacheDirectory() {
        String xdg = env().get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "immutable");
        }
        return Path.of(env().getOrDefault("HOME", System.getProperty("user.home")), ".cache", "immutable");
    }

    /** Environment variable naming the state directory, instead of $XDG_STATE_HOME/immutable. */
    static final String STATE_DIR = "IMMUTABLE_STATE_DIR";

    /**
     * $IMMUTABLE_STATE_DIR, else $XDG_STATE_HOME/immutable, else ~/.local/state/immutable: what this machine has
     * verified (the ledgers' anchors), kept between runs; unlike the cache, deleting it loses a protection.
     */
    Path stateDirectory() {
        String own = env().get(STATE_DIR);
        if (own != null && !own.isBlank()) {
            return path(Path.of(own));
        }
        String xdg = env().get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "immutable");
        }
        return Path.of(env().getOrDefault("HOME", System.getProperty("user.home")), ".local", "state", "immutable");
    }

    // ---------------------------------------------------------------------------------------------------------- keys

    /**
     * The signing key a {@code --key} names: an id of signing.keys (its secret from the environment), or a key file
     * (its password from COSIGN_PASSWORD or a prompt). Without {@code --key}, the only configured signing key.
     */
    SigningKey signingKey(String key) {
        SigningConfig signing = config().signing();
        if (key == null) {
            if (signing.keys().size() == 1) {
                return wiring().signingKey(signing.keys().get(0).id());
            }
            throw EngineException.badInput(signing.keys().isEmpty()
                    ? "no signing key: give --key cosign.key (a key file) or configure one under signing.keys"
                    : "several signing keys are configured (" + String.join(", ", signing.keys().stream()
                    .map(SigningConfig.SigningKeyConfig::id).toList()) + "); choose one with --key");
        }
        if (signing.key(key).isPresent()) {
            return wiring().signingKey(key);
        }
        Path file = path(Path.of(key));
        if (!Files.isRegularFile(file)) {
            throw EngineException.badInput("--key " + key + " is neither a signing key id of the configuration"
                    + " (configured: " + (signing.keys().isEmpty() ? "none" : String.join(", ", signing.keys()
                    .stream().map(SigningConfig.SigningKeyConfig::id).toList())) + ") nor a key file");
        }
        String pem;
        try {
            pem = Files.readString(file);
        } catch (java.io.IOException e) {
            throw EngineException.badInput("cannot read the key file " + file + ": " + e.getMessage());
        }
        // only an encrypted key needs its password; asking for one it does not have would be noise
        char[] password = pem.contains("ENCRYPTED") ? password(file) : new char[0];
        try {
            return SigningKey.fromPem(pem, password, file.toString());
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * The public keys {@code --key} options name (trusted key ids, or public key files); none given: every trusted
     * key of the configuration.
     */
    List<VerificationKey> verificationKeys(List<String> keys) {
        if (keys == null || keys.isEmpty()) {
            return wiring().trustedKeys();
        }
        LinkedHashSet<VerificationKey> all = new LinkedHashSet<>();
        for (String key : keys) {
            if (config().signing().trustedKey(key).isPresent()) {
                all.addAll(wiring().trustedKeys(List.of(key)));
            } else {
                Path file = path(Path.of(key));
                if (!Files.isRegularFile(file)) {
                    throw EngineException.badInput("--key " + key + " is neither a trusted key id of the"
                            + " configuration (signing.trustedKeys) nor a public key file (cosign.pub)");
                }
                all.addAll(KeyFiles.readPublicKeys(file));
            }
        }
        return List.copyOf(all);
    }

    /** A key file's password: COSIGN_PASSWORD (may be empty), else asked on the terminal. */
    char[] password(Path keyFile) {
        String fromEnv = env().get(EnvironmentCredentials.COSIGN_PASSWORD);
        if (fromEnv != null) {
            return fromEnv.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw EngineException.badInput("the key " + keyFile + " needs its password: set "
                    + EnvironmentCredentials.COSIGN_PASSWORD + " (empty for an unencrypted key), or run on a terminal"
                    + " to be asked");
        }
        char[] password = console.readPassword("Password for %s: ", keyFile);
        return password == null ? new char[0] : password;
    }

    @Override
    public void close() {
        try {
            if (wiring != null) {
                wiring.close();
            }
        } finally {
            output.close();
        }
    }
}
