package io.jenkins.plugins.immutable.registry;

import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;

import java.net.URI;
import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;
import org.junit.Test;

public class HttpClientsTest {

    @Test
    public void httpsUrlsGoThroughTheGivenTlsContextAndPlainOnesThroughNone() throws Exception {
        SSLContext given = SSLContext.getInstance("TLS");
        given.init(null, null, null);
        HttpClients clients = new HttpClients(HttpClient::newBuilder, given);
        HttpClient https = clients.forUri(URI.create("https://registry.example.com/v2/"));
        HttpClient http = clients.forUri(URI.create("http://127.0.0.1:5000/v2/"));
        assertSame(given, https.sslContext());
        assertNotSame("a plain client never loads the JVM's trust store", SSLContext.getDefault(), http.sslContext());
        assertNotSame(given, http.sslContext());
        assertSame("one client per scheme, its connections reused", http,
                clients.forUri(URI.create("HTTP://127.0.0.1:5001/v2/app/manifests/1")));
        assertSame(https, clients.forUri(URI.create("https://storage.example.com/blob")));
    }

    @Test
    public void withoutAGivenContextHttpsUsesTheJvmsDefault() throws Exception {
        HttpClients clients = new HttpClients(HttpClient::newBuilder, null);
        assertSame(SSLContext.getDefault(), clients.forUri(URI.create("https://registry.example.com/v2/")).sslContext());
    }
}
