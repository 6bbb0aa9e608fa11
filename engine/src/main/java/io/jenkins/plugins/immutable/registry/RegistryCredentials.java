package io.jenkins.plugins.immutable.registry;

import java.util.Objects;

/**
 * How to authenticate to one registry: anonymously, with a username and password (used for Basic authentication
 * and to obtain bearer tokens), with an identity (refresh) token, or with a ready bearer token. {@link #toString()}
 * never shows the secret, so a credentials value can be logged or put in an exception without leaking it.
 *
 * @param kind     how the secret is used
 * @param username the user, or null for {@link Kind#ANONYMOUS} and {@link Kind#BEARER_TOKEN}
 * @param secret   the password or token, or null for {@link Kind#ANONYMOUS}
 */
public record RegistryCredentials(Kind kind, String username, String secret) {

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

    public boolean isAnonymous() {
        return kind == Kind.ANONYMOUS;
    }

    /** Who these credentials are, for messages: the username, or the kind when there is none. Never the secret. */
    public String describe() {
        return switch (kind) {
            case ANONYMOUS -> "anonymous";
            case USERNAME_PASSWORD -> "user '" + username + "'";
            case IDENTITY_TOKEN -> "an identity token" + (username == null ? "" : " of user '" + username + "'");
            case BEARER_TOKEN -> "a bearer token";
        };
    }

    @Override
    public String toString() {
        return "RegistryCredentials[" + kind + (username == null ? "" : ", username=" + username)
                + (secret == null ? "" : ", secret=****") + "]";
    }
}
