package io.jenkins.plugins.immutable.bake;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.testing.Stack;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * DOCKER_HOST=tcp://... with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH: the stack's engine is put behind a TLS endpoint
 * that demands a client certificate from its own authority (as {@code dockerd --tlsverify} does), and the baker builds
 * and pushes through it; a client certificate from another authority is turned away.
 */
public class DockerEngineTlsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SSLServerSocket server;

    @After
    public void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void bakesThroughATlsEndpointThatVerifiesTheClientCertificate() throws Exception {
        Authority ca = new Authority("test-ca");
        KeyPair serverKeys = keys();
        X509Certificate serverCert = ca.issue("127.0.0.1", serverKeys, true);
        int port = startTlsProxy(ca, serverKeys, serverCert);

        Path certs = tmp.newFolder("certs").toPath();
        KeyPair clientKeys = rsaKeys();
        writeCertPath(certs, ca.certificate, ca.issue("client", clientKeys, false), clientKeys);
        DockerEngine engine = DockerEngine.fromEnvironment(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + port,
                "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", certs.toString()));
        assertTrue(engine.tlsVerify());

        Path context = tmp.newFolder("context").toPath();
        Files.copy(Path.of("/bin/busybox"), context.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\n");
        ImageReference target = ImageReference.parse(Stack.registry() + "/" + Stack.uniqueRepository("tls") + ":1");
        BakeResult result = new DockerEngineBaker(engine, RegistryClient.builder().build(), Map.of())
                .bake(DockerBuildRequest.builder(context, target).build(), ProgressListener.NONE);
        assertEquals(target.tag(), result.image().tag());
        assertTrue(result.image().isPinned());

        // a client certificate the endpoint's authority did not issue
        Path strangerCerts = tmp.newFolder("stranger").toPath();
        Authority stranger = new Authority("stranger-ca");
        KeyPair strangerKeys = rsaKeys();
        writeCertPath(strangerCerts, ca.certificate, stranger.issue("client", strangerKeys, false), strangerKeys);
        DockerEngine refused = DockerEngine.fromEnvironment(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + port,
                "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", strangerCerts.toString()));
        EngineException e = assertThrows(EngineException.class, () -> new DockerEngineBaker(refused,
                RegistryClient.builder().build(), Map.of()).bake(DockerBuildRequest.builder(context, target).build(),
                ProgressListener.NONE));
        assertEquals(EngineException.Kind.OUTAGE, e.kind());
        assertTrue(e.getMessage(), e.getMessage().startsWith("cannot reach the Docker engine at tcp://127.0.0.1:" + port));
    }

    @Test
    public void tlsWithoutTheCertificatesIsRefusedNamingTheMissingFile() throws Exception {
        Path empty = tmp.newFolder("empty").toPath();
        EngineException e = assertThrows(EngineException.class, () -> DockerEngine.fromEnvironment(Map.of(
                "DOCKER_HOST", "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", empty.toString())));
        assertTrue(e.getMessage(), e.getMessage().contains(empty.resolve("ca.pem").toString()));
        assertEquals(URI.create("unix:///var/run/docker.sock"), DockerEngine.fromEnvironment(Map.of()).host());
        assertThrows(EngineException.class, () -> DockerEngine.at("http://127.0.0.1:2375"));
    }

    /** A TLS endpoint on a port of the bake range, requiring client certificates, forwarding to the engine's socket. */
    private int startTlsProxy(Authority ca, KeyPair serverKeys, X509Certificate serverCert) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("server", serverKeys.getPrivate(), new char[0], new X509Certificate[] {serverCert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        Path socket = Path.of(URI.create(Stack.dockerHost()).getPath());
        for (int attempt = 0; attempt < 50 && server == null; attempt++) {
            int port = 21000 + (int) (Math.random() * 1000);
            try {
                server = (SSLServerSocket) ssl.getServerSocketFactory().createServerSocket(port, 50,
                        InetAddress.getLoopbackAddress());
            } catch (IOException inUse) {
                // another run holds it; try another
            }
        }
        server.setNeedClientAuth(true);
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    pump(client.getInputStream(), out -> {
                        ByteBuffer buffer = ByteBuffer.wrap(out.array, 0, out.length);
                        while (buffer.hasRemaining()) {
                            engine.write(buffer);
                        }
                    }, client, engine);
                    InputStream fromEngine = new InputStream() {
                        // the channel's own streams would share one lock between reading and writing, and deadlock
                        @Override
                        public int read() {
                            throw new UnsupportedOperationException();
                        }

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            return engine.read(ByteBuffer.wrap(b, off, len));
                        }
                    };
                    OutputStream toClient = client.getOutputStream();
                    pump(fromEngine, out -> toClient.write(out.array, 0, out.length), client, engine);
                } catch (IOException e) {
                    // closed, or a handshake the endpoint refused
                }
            }
        }, "tls-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
        return server.getLocalPort();
    }

    private static final AtomicInteger PUMPS = new AtomicInteger();

    private record Chunk(byte[] array, int length) {
    }

    private interface Sink {
        void write(Chunk chunk) throws IOException;
    }

    private static void pump(InputStream from, Sink to, Socket client, SocketChannel engine) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    if (n > 0) {
                        to.write(new Chunk(buffer, n));
                    }
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    client.close();
                    engine.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }, "tls-proxy-pump-" + PUMPS.incrementAndGet());
        t.setDaemon(true);
        t.start();
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    /** Client keys as Docker's guide makes them (openssl genrsa). */
    private static KeyPair rsaKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static void writeCertPath(Path dir, X509Certificate ca, X509Certificate cert, KeyPair keys)
            throws IOException {
        pem(dir.resolve("ca.pem"), ca);
        pem(dir.resolve("cert.pem"), cert);
        pem(dir.resolve("key.pem"), keys.getPrivate());
    }

    private static void pem(Path file, Object object) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(object);
        }
    }

    /** A certificate authority for the test. */
    private static final class Authority {
        final KeyPair keys;
        final X509Certificate certificate;
        final X500Name name;

        Authority(String cn) throws Exception {
            keys = keys();
            name = new X500Name("CN=" + cn);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                    Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name,
                    keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        }

        X509Certificate issue(String cn, KeyPair subject, boolean server) throws Exception {
            // signed by the authority's EC key whatever the subject's key is
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(System.nanoTime()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                    Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("CN=" + cn), subject.getPublic());
            if (server) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.iPAddress, cn)));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        }
    }
}
