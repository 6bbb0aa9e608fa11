package io.jenkins.plugins.immutable.image;

import java.io.Serializable;
import io.jenkins.plugins.immutable.EngineException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A repository in a registry, {@code registry/path}: where images are pushed, tagged and copied to.
 *
 * @param registry host with optional port ({@code 127.0.0.1:5000}, {@code registry.example.com}, {@code [::1]:5000}),
 *                 {@code docker.io} for Docker Hub
 * @param path     slash-separated lowercase components, for example {@code team/app}
 */
public record Repository(String registry, String path) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Docker Hub, where references without a registry point. */
    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN_NAME =
            Pattern.compile("(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9]+)?\\]");
    private static final int NAME_MAX = 255;

    public Repository {
        validate(registry, path);
    }

    static void validate(String registry, String path) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(path, "path");
        String hostProblem = hostProblem(registry);
        if (hostProblem != null) {
            throw EngineException.badInput(Shown.quote(registry) + " is not a valid registry: " + hostProblem);
        }
        String pathProblem = pathProblem(path);
        if (pathProblem != null) {
            throw EngineException.badInput(Shown.quote(path) + " is not a valid repository name: " + pathProblem);
        }
        if (registry.length() + 1 + path.length() > NAME_MAX) {
            throw EngineException.badInput("the repository name " + Shown.quote(registry + "/" + path)
                    + " is longer than " + NAME_MAX + " characters");
        }
    }

    /** Parses {@code [registry[:port]/]path} without tag or digest, normalised as {@link ImageReference} says. */
    public static Repository parse(String name) {
        if (name == null) {
            throw EngineException.badInput("no repository given; write [registry[:port]/]path, for example"
                    + " 127.0.0.1:5000/team/app");
        }
        // Before anything that quotes the input: a user name and password pasted into it must not reach a log.
        EngineException credentials = ImageReference.atSignProblem(name, "repository name", false);
        if (credentials != null) {
            throw credentials;
        }
        String registry;
        String path;
        int slash = name.indexOf('/');
        String first = slash < 0 ? null : name.substring(0, slash);
        // Docker's rule: the first component is a registry when it looks like a host (a dot, a port, localhost)
        // or has capitals, which a repository path cannot have.
        if (first != null && (first.contains(".") || first.contains(":") || first.equals("localhost")
                || first.startsWith("[") || !first.toLowerCase(Locale.ROOT).equals(first))) {
            registry = first;
            path = name.substring(slash + 1);
        } else {
            registry = DOCKER_HUB;
            path = name;
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/") && !path.isEmpty()) {
            path = "library/" + path;
        }
        if (registry.length() + 1 + path.length() > NAME_MAX || name.length() > NAME_MAX) {
            throw EngineException.badInput("the repository name is longer than " + NAME_MAX + " characters");
        }
        String hostProblem = hostProblem(registry);
        if (hostProblem != null) {
            throw EngineException.badInput(Shown.quote(registry) + " is not a valid registry host: " + hostProblem);
        }
        String pathProblem = pathProblem(path);
        if (pathProblem != null) {
            throw EngineException.badInput(Shown.quote(path) + " is not a valid repository name: " + pathProblem);
        }
        return new Repository(registry, path);
    }

    private static String hostProblem(String registry) {
        if (registry.isEmpty()) {
            return "it is empty";
        }
        String host = registry;
        String port = null;
        if (registry.startsWith("[")) {
            int close = registry.indexOf(']');
            if (close < 0) {
                return "an IPv6 address needs its closing ']'";
            }
            host = registry.substring(0, close + 1);
            String rest = registry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return "only ':port' may follow an IPv6 address";
                }
                port = rest.substring(1);
            }
            if (!IPV6.matcher(host).matches()) {
                return Shown.quote(host) + " is not an IPv6 address";
            }
        } else {
            int colon = registry.indexOf(':');
            if (colon >= 0) {
                host = registry.substring(0, colon);
                port = registry.substring(colon + 1);
            }
            if (!DOMAIN_NAME.matcher(host).matches()) {
                return Shown.quote(host) + " is not a host name: use ASCII letters, digits, '-' and dots, not starting"
                        + " or ending with '-'";
            }
        }
        if (port != null) {
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(port) > 65535 || Integer.parseInt(port) == 0) {
                return "the port " + Shown.quote(port) + " is not a number from 1 to 65535";
            }
        }
        return null;
    }

    private static String pathProblem(String path) {
        if (path.isEmpty()) {
            return "it is empty";
        }
        if (!path.toLowerCase(Locale.ROOT).equals(path)) {
            return "repository names must be lowercase";
        }
        for (String component : path.split("/", -1)) {
            if (component.isEmpty()) {
                return "it has an empty path component (a leading, trailing or double '/')";
            }
            if (!COMPONENT.matcher(component).matches()) {
                return "the component " + Shown.quote(component) + " must be lowercase letters and digits, separated"
                        + " by '.', '_', '__' or dashes, starting and ending with a letter or digit";
            }
        }
        return null;
    }

    /** This repository's image with the given tag. */
    public ImageReference tag(String tag) {
        return new ImageReference(registry, path, Objects.requireNonNull(tag, "tag"), null);
    }

    /** This repository's image with the given digest. */
    public ImageReference digest(Digest digest) {
        return new ImageReference(registry, path, null, Objects.requireNonNull(digest, "digest"));
    }

    @Override
    public String toString() {
        return registry + "/" + path;
    }
}
