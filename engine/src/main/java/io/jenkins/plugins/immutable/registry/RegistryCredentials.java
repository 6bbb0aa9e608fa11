package io.jenkins.plugins.immutable.registry;

import java.util.Objects;

/**
 * How to authenticate to one registry: anonymously, with a username and password (used for Basic authentication
 * and to obtain bearer tokens), with an identity (refresh) token, or with a ready bearer token. {@link #toString()}
 * never shows the secret, so a credentials value can be logged or put in an exception without leaking it; nor does it
 * show a user name that looks like a secret (a password put in the user field by mistake), see {@link #shownUser}.
 *
 * @param kind     how the secret is used
 * @param username the user, or null for {@link Kind#ANONYMOUS} and {@link Kind#BEARER_TOKEN}
 * @param secret   the password or token, or null for {@link Kind#ANONYMOUS}
 * @param source   where the credentials come from, named in messages instead of their values (for example "the
 *                 environment variables REGISTRY_PROD_USERNAME and REGISTRY_PROD_PASSWORD"), or null when unknown
 */
public record RegistryCredentials(Kind kind, String username, String secret, String source) {

    /** How the credentials authenticate. */
    public enum Kind {
        ANONYMOUS,
        /** Username and password: Basic authentication, or the login of a token service. */
        USERNAME_PASSWORD,
        /** An OAuth2 refresh token (Docker's {@code identitytoken}), exchanged for bearer tokens. */
        IDENTITY_TOKEN,
        /** A registry bearer token sent as it is. */
        BEARER_TOKEN
    }

    private static final RegistryCredentials ANONYMOUS = new RegistryCredentials(Kind.ANONYMOUS, null, null);
    /** A user name longer than this, or with other characters than these, is not shown whole. */
    private static final int MAX_SHOWN_USER = 64;
    private static final java.util.regex.Pattern USER_LIKE = java.util.regex.Pattern.compile(
            "[A-Za-z0-9_][A-Za-z0-9._@+-]*");
    /** A run of letters and digits this long without a separator is a token (hex, base64), not a name. */
    private static final java.util.regex.Pattern TOKEN_RUN = java.util.regex.Pattern.compile("[A-Za-z0-9]{21,}");

    /** Credentials of unknown source. */
    public RegistryCredentials(Kind kind, String username, String secret) {
        this(kind, username, secret, null);
    }

    public RegistryCredentials {
        Objects.requireNonNull(kind, "kind");
        if (kind != Kind.ANONYMOUS && (secret == null || secret.isEmpty())) {
            throw new IllegalArgumentException("registry credentials of kind " + kind + " need a secret");
        }
        if (kind == Kind.USERNAME_PASSWORD && (username == null || username.isEmpty())) {
            throw new IllegalArgumentException("registry credentials with a password need a username");
        }
    }

    public static RegistryCredentials anonymous() {
        return ANONYMOUS;
    }

    public static RegistryCredentials basic(String username, String password) {
        return new RegistryCredentials(Kind.USERNAME_PASSWORD, username, password);
    }

    public static RegistryCredentials identityToken(String username, String refreshToken) {
        return new RegistryCredentials(Kind.IDENTITY_TOKEN, username, refreshToken);
    }

    public static RegistryCredentials bearerToken(String token) {
        return new RegistryCredentials(Kind.BEARER_TOKEN, null, token);
    }

    /**
     * These credentials, with where they come from named for messages: for example "the environment variables
     * REGISTRY_PROD_USERNAME and REGISTRY_PROD_PASSWORD", or "Jenkins credentials 'registry-prod'". A message then
     * names the source where a user name that looks like a secret is not shown.
     */
    public RegistryCredentials withSource(String where) {
        return new RegistryCredentials(kind, username, secret, where);
    }

    public boolean isAnonymous() {
        return kind == Kind.ANONYMOUS;
    }

    /**
     * Who these credentials are, for messages: the user name (see {@link #shownUser}) or the kind when there is none,
     * and where they come from when that is known. Never the secret.
     */
    public String describe() {
        String who = switch (kind) {
            case ANONYMOUS -> "anonymous";
            case USERNAME_PASSWORD -> "user " + shownUser(username, source != null);
            case IDENTITY_TOKEN -> "an identity token" + (username == null ? ""
                    : " of user " + shownUser(username, source != null));
            case BEARER_TOKEN -> "a bearer token";
        };
        return source == null || kind == Kind.ANONYMOUS ? who : who + " from " + source;
    }

    /**
     * A user name as messages show it: whole and quoted when it looks like one (at most 64 characters of letters,
     * digits and {@code . _ @ + -}, not mixing upper case, lower case and digits as passwords must, no run of 21
     * letters and digits as tokens have); otherwise not at all, or, when {@code sourceNamed} is false and it has
     * 16 characters or more, its first 3 followed by "…", so a password put in the user field by mistake is never
     * printed. The reader is told why.
     */
    static String shownUser(String user, boolean sourceNamed) {
        if (looksLikeUserName(user)) {
            return "'" + user + "'";
        }
        int length = user.codePointCount(0, user.length());
        String start = !sourceNamed && length >= 16 ? "'" + user.substring(0, user.offsetByCodePoints(0, 3))
                + "…' " : "";
        return start + "(not shown: its " + length + " characters look more like a password or token than a user"
                + " name)";
    }

    static boolean looksLikeUserName(String user) {
        if (user.length() > MAX_SHOWN_USER || !USER_LIKE.matcher(user).matches() || TOKEN_RUN.matcher(user).find()) {
            return false;
        }
        boolean upper = user.chars().anyMatch(c -> c >= 'A' && c <= 'Z');
        boolean lower = user.chars().anyMatch(c -> c >= 'a' && c <= 'z');
        boolean digit = user.chars().anyMatch(c -> c >= '0' && c <= '9');
        // Password rules ask for all three; user names seldom have them.
        return !(upper && lower && digit);
    }

    @Override
    public String toString() {
        return "RegistryCredentials[" + kind + (username == null ? "" : ", username=" + shownUser(username, false))
                + (secret == null ? "" : ", secret=****") + (source == null ? "" : ", from " + source) + "]";
    }
}
