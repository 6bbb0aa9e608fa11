package io.jenkins.plugins.immutable;

import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * For HTTP clients that only ever speak plain HTTP (a registry on http, a Docker engine on its socket) but want a TLS
 * context when they are made: the JVM's default one loads its trust store (some 150 certificates parsed), a good part
 * of a short command's start.
 */
public final class PlainHttp {

    private PlainHttp() {
    }

    /**
     * A TLS context with no key that trusts no certificate: it loads no trust store, and a TLS connection tried with
     * it fails rather than trusts anyone.
     */
    public static SSLContext noTls() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[0], new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no TLS implementation", e);
        }
    }
}
