package io.jenkins.plugins.immutable.analysis;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.deploy.CanaryStep;
import java.util.List;
import java.util.Locale;

/**
 * The instances of one side of the comparison, as metrics label them: the router's backend (HAProxy's {@code proxy}
 * label, the environment) and the router's names of the instances (HAProxy's {@code server} label).
 *
 * @param role        canary or baseline
 * @param environment the router's backend for the environment
 * @param servers     the instances' server names, at least one
 */
public record Scope(Role role, String environment, List<String> servers) {

    /** Which side of the comparison. */
    public enum Role {
        BASELINE, CANARY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Scope {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw EngineException.badInput("the " + role.label() + " of " + environment + " has no instances to measure"
                    + (role == Role.BASELINE ? "; canary analysis compares the canary with a baseline: run the canary"
                    + " strategy with its baseline" : ""));
        }
    }

    /** The servers as a regular expression that matches exactly them ({@code green1|green2}). */
    public String serverPattern() {
        StringBuilder pattern = new StringBuilder();
        for (String server : servers) {
            if (pattern.length() > 0) {
                pattern.append('|');
            }
            for (char c : server.toCharArray()) {
                if ("\\.^$|?*+()[]{}".indexOf(c) >= 0) {
                    pattern.append('\\');
                }
                pattern.append(c);
            }
        }
        return pattern.toString();
    }

    /** Both scopes of a canary step. */
    public static Scopes of(CanaryStep step) {
        return new Scopes(new Scope(Role.BASELINE, step.backend(), step.baselineServers()),
                new Scope(Role.CANARY, step.backend(), step.canaryServers()));
    }
}
