package io.jenkins.plugins.immutable.image;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * The reference grammar, case by case: each row is an input and either its parts (registry | path | tag | digest,
 * "-" for none) or "!" and a fragment of the error it must give.
 */
public class ImageReferenceTest {

    private static final String D = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final String D512 = "sha512:" + "ab".repeat(64);
    private static final String HEX64 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    private static final String[][] TABLE = {
        // Docker Hub normalisation
        {"busybox", "docker.io | library/busybox | latest | -"},
        {"busybox:1.36", "docker.io | library/busybox | 1.36 | -"},
        {"library/busybox", "docker.io | library/busybox | latest | -"},
        {"docker.io/busybox", "docker.io | library/busybox | latest | -"},
        {"docker.io/library/busybox:musl", "docker.io | library/busybox | musl | -"},
        {"index.docker.io/busybox", "docker.io | library/busybox | latest | -"},
        {"registry-1.docker.io/team/app", "docker.io | team/app | latest | -"},
        {"team/app", "docker.io | team/app | latest | -"},
        {"team/sub/app:v2", "docker.io | team/sub/app | v2 | -"},
        {"busybox@" + D, "docker.io | library/busybox | - | " + D},
        {"busybox:1@" + D, "docker.io | library/busybox | 1 | " + D},
        // registries: names, ports, IPs, localhost
        {"127.0.0.1:5000/app", "127.0.0.1:5000 | app | latest | -"},
        {"127.0.0.1:5000/team/app:1.0", "127.0.0.1:5000 | team/app | 1.0 | -"},
        {"localhost/app", "localhost | app | latest | -"},
        {"localhost:5000/app:tag", "localhost:5000 | app | tag | -"},
        {"registry.example.com/app", "registry.example.com | app | latest | -"},
        {"registry.example.com:443/a/b/c/d", "registry.example.com:443 | a/b/c/d | latest | -"},
        {"ghcr.io/org/app@" + D, "ghcr.io | org/app | - | " + D},
        {"ghcr.io/org/app:v1@" + D, "ghcr.io | org/app | v1 | " + D},
        {"quay.io/org/app@" + D512, "quay.io | org/app | - | " + D512},
        {"my-registry.local:5000/app", "my-registry.local:5000 | app | latest | -"},
        {"Registry.Example.com/app", "Registry.Example.com | app | latest | -"},
        {"UPPER/app", "UPPER | app | latest | -"},
        {"[::1]:5000/app:1", "[::1]:5000 | app | 1 | -"},
        {"[fe80::1]/app", "[fe80::1] | app | latest | -"},
        {"xn--bcher-kva.example/app", "xn--bcher-kva.example | app | latest | -"},
        {"a.b/c", "a.b | c | latest | -"},
        {"localhost:5000", "docker.io | library/localhost | 5000 | -"},
        // path components and separators
        {"r.io/a_b/c__d/e-f/g--h/i.j", "r.io | a_b/c__d/e-f/g--h/i.j | latest | -"},
        {"r.io/a---b", "r.io | a---b | latest | -"},
        {"r.io/0/1/2", "r.io | 0/1/2 | latest | -"},
        // tags
        {"r.io/app:_x", "r.io | app | _x | -"},
        {"r.io/app:V1.2-rc_3", "r.io | app | V1.2-rc_3 | -"},
        {"r.io/app:" + "t".repeat(128), "r.io | app | " + "t".repeat(128) + " | -"},
        {"r.io/app:latest", "r.io | app | latest | -"},
        // errors
        {"", "! it is empty"},
        {"Busybox", "! must be lowercase"},
        {"r.io/App", "! must be lowercase"},
        {"r.io/app:", "! '' is not a valid tag"},
        {"r.io/app:.x", "! '.x' is not a valid tag"},
        {"r.io/app:-x", "! '-x' is not a valid tag"},
        {"r.io/app:" + "t".repeat(129), "! is not a valid tag"},
        {"r.io/app:a+b", "! is not a valid tag"},
        {"r.io/app@sha256:abc", "! sha256 needs exactly 64"},
        {"r.io/app@md5:" + "a".repeat(32), "! 'md5', which is not supported"},
        {"r.io/app@" + D.toUpperCase(), "! 'SHA256', which is not supported"},
        {"r.io/app@latest", "! is not a digest"},
        {"r.io/app@" + D + "@" + D, "! more than one '@'"},
        {"r.io//app", "! empty path component"},
        {"r.io/app/", "! empty path component"},
        {"/app", "! empty path component"},
        {"r.io/-app", "! the component '-app'"},
        {"r.io/app-", "! the component 'app-'"},
        {"r.io/a..b", "! the component 'a..b'"},
        {"r.io/a___b", "! the component 'a___b'"},
        {"r.io/a b", "! whitespace"},
        {"r.io/app\ttab", "! whitespace"},
        {"https://r.io/app", "! has no scheme"},
        {"https://user:secret@r.io/app", "! credentials do not belong in an image reference"},
        {"http://r.io/app", "! has no scheme"},
        {"r.io:0/app", "! port '0'"},
        {"r.io:99999/app", "! port '99999'"},
        {"r.io:/app", "! port ''"},
        {"r.io:abc/app", "! port 'abc'"},
        {"-r.io/app", "! not a host name"},
        {"r-.io/app", "! not a host name"},
        {"r_x.io/app", "! not a host name"},
        {"[::1/app", "! closing ']'"},
        {"[zz::1]:5000/app", "! not an IPv6 address"},
        {HEX64, "! image ID"},
        {"r.io/" + "a".repeat(251), "! longer than 255"},
        {"@" + D, "! repository name is missing"},
        {":tag", "! repository name is missing"},
    };

    @Test
    public void everyReferenceInTheTableParsesToItsPartsOrGivesItsError() {
        List<String> failures = new ArrayList<>();
        for (String[] row : TABLE) {
            String input = row[0];
            String expected = row[1];
            try {
                ImageReference ref = ImageReference.parse(input);
                String actual = ref.registry() + " | " + ref.path() + " | " + (ref.tag() == null ? "-" : ref.tag())
                        + " | " + (ref.digest() == null ? "-" : ref.digest());
                if (!actual.equals(expected)) {
                    failures.add("'" + input + "': expected " + expected + " but got " + actual);
                }
            } catch (EngineException e) {
                if (!expected.startsWith("! ")) {
                    failures.add("'" + input + "': expected " + expected + " but failed: " + e.getMessage());
                } else if (!e.getMessage().contains(expected.substring(2))) {
                    failures.add("'" + input + "': expected an error with '" + expected.substring(2) + "' but got: "
                            + e.getMessage());
                } else if (e.kind() != EngineException.Kind.BAD_INPUT) {
                    failures.add("'" + input + "': error of kind " + e.kind());
                }
            }
        }
        assertTrue(TABLE.length + " rows; failures:\n" + String.join("\n", failures), failures.isEmpty());
        assertTrue("the table must hold at least 60 references", TABLE.length >= 60);
    }

    @Test
    public void theCanonicalFormParsesBackToAnEqualReference() {
        for (String[] row : TABLE) {
            if (row[1].startsWith("!")) {
                continue;
            }
            ImageReference ref = ImageReference.parse(row[0]);
            assertEquals(row[0], ref, ImageReference.parse(ref.toString()));
        }
        assertEquals("docker.io/library/busybox:latest", ImageReference.parse("busybox").toString());
        assertEquals("127.0.0.1:5000/a:1@" + D, ImageReference.parse("127.0.0.1:5000/a:1@" + D).toString());
    }

    @Test
    public void errorsNeverEchoCredentialsPastedIntoAUrl() {
        try {
            ImageReference.parse("https://user:secret@r.io/app");
            fail();
        } catch (EngineException e) {
            assertFalse(e.getMessage(), e.getMessage().contains("secret"));
        }
    }

    @Test
    public void aReferenceIsPinnedOnlyWhenItCarriesADigest() {
        ImageReference tagged = ImageReference.parse("127.0.0.1:5000/app:1");
        assertFalse(tagged.isPinned());
        assertEquals("1", tagged.identifier());
        ImageReference pinned = tagged.withDigest(Digest.parse(D));
        assertTrue(pinned.isPinned());
        assertEquals("1", pinned.tag());
        assertEquals(D, pinned.identifier());
        assertEquals("127.0.0.1:5000/app@" + D, pinned.withoutTag().toString());
        assertEquals("127.0.0.1:5000/app:2@" + D, pinned.withTag("2").toString());
        assertEquals(new Repository("127.0.0.1:5000", "app"), pinned.repository());
        assertNull(pinned.withoutTag().tag());
    }

    @Test
    public void repositoriesNormaliseLikeReferencesAndMakeReferences() {
        Repository hub = Repository.parse("busybox");
        assertEquals("docker.io/library/busybox", hub.toString());
        Repository local = Repository.parse("127.0.0.1:5000/team/app");
        assertEquals("127.0.0.1:5000/team/app:v1", local.tag("v1").toString());
        assertEquals("127.0.0.1:5000/team/app@" + D, local.digest(Digest.parse(D)).toString());
        try {
            new Repository("127.0.0.1:5000", "Team");
            fail();
        } catch (EngineException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("lowercase"));
        }
    }
}
