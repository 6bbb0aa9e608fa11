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
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|0?[0-9]?[0-9])\\.){3}"
            + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|0?[0-9]?[0-9])");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final String IPV6_RULE = "write an IPv6 address in brackets as hex groups and colons, for example"
            + " [fd00::1]:5000, without a zone id (%eth0) or an embedded IPv4 address (::ffff:192.0.2.1), which"
            + " Docker's reference grammar does not allow either";
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
            String ipv6Problem = ipv6Problem(host.substring(1, host.length() - 1));
            if (ipv6Problem != null) {
                return Shown.quote(host) + " is not an IPv6 address this tool accepts: " + ipv6Problem + "; "
                        + IPV6_RULE;
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
            int lastDot = host.lastIndexOf('.');
            if (lastDot >= 0 && isAsciiDigit(host.charAt(lastDot + 1)) && !IPV4.matcher(host).matches()) {
                // Docker's grammar takes it, but no DNS name ends in a label that starts with a digit, and Java's URI
                // (which the registry client goes through) finds no host in it and fails far from here.
                return Shown.quote(host) + " is neither a host name nor an IPv4 address: the last label of a host"
                        + " name starts with a letter, and an IPv4 address is four numbers from 0 to 255";
            }
        }
        if (port != null) {
            return portProblem(port);
        }
        return null;
    }

    private static String portProblem(String port) {
        for (int i = 0; i < port.length(); i++) {
            char c = port.charAt(i);
            if (!isAsciiDigit(c)) {
                // Java's Character.isDigit and Integer.parseInt take full-width and other scripts' digits as well,
                // which look like a port here and then name no port at all in a URL.
                return "the port " + Shown.quote(port) + " is not a number: a port is ASCII digits 0-9, from 1 to"
                        + " 65535" + (Character.isDigit(c)
                                ? String.format(" (U+%04X is a digit of another script)", (int) c) : "");
            }
        }
        if (port.isEmpty() || port.length() > 5 || Integer.parseInt(port) > 65535 || Integer.parseInt(port) == 0) {
            return "the port " + Shown.quote(port) + " is not a number from 1 to 65535";
        }
        return null;
    }

    /** Null, or what is wrong with the text between an IPv6 literal's brackets, by RFC 4291's textual forms. */
    private static String ipv6Problem(String address) {
        if (address.indexOf('%') >= 0) {
            return "it has a zone id";
        }
        if (address.indexOf('.') >= 0) {
            return "it has an embedded IPv4 address";
        }
        int compressed = address.indexOf("::");
        if (compressed >= 0 && address.indexOf("::", compressed + 1) >= 0) {
            return "'::' appears more than once";
        }
        String[] groups = compressed < 0 ? address.split(":", -1)
                : (address.substring(0, compressed) + ":" + address.substring(compressed + 2)).split(":", -1);
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            String group = groups[i];
            // With '::' at either end, splitting leaves an empty string where the '::' stood; it is no group.
            boolean compressedEdge = compressed >= 0 && group.isEmpty()
                    && ((i == 0 && compressed == 0) || (i == groups.length - 1 && compressed == address.length() - 2));
            if (compressedEdge) {
                continue;
            }
            if (!HEX_GROUP.matcher(group).matches()) {
                return "it needs groups of 1 to 4 hex digits separated by ':'";
            }
            count++;
        }
        if (compressed < 0 ? count != 8 : count > 7) {
            return compressed < 0 ? "it has " + count + (count == 1 ? " group" : " groups") + "; without '::' an"
                    + " address has 8 groups"
                    : "it has more than 7 groups besides '::'";
        }
        return null;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
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
