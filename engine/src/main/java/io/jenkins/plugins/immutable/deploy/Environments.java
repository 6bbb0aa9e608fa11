package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import java.util.regex.Pattern;

/** The rule for environment names as targets use them: in container, service, Kubernetes and HAProxy names. */
public final class Environments {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");

    private Environments() {
    }

    /** Returns {@code name} if it is usable as a target name, else explains the rule. */
    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw EngineException.badInput("environment name '" + name + "' cannot name containers, services and"
                    + " router backends: use 1 to 40 lower-case letters, digits and '-', starting and ending with a"
                    + " letter or digit (e.g. prod, staging-eu)");
        }
        return name;
    }
}
