package io.jenkins.plugins.immutable.scan.catalog;

import static org.junit.Assert.assertEquals;

import com.github.packageurl.PackageURL;
import java.util.Map;
import org.junit.Test;

/**
 * Package URLs against purl-spec's facts: the build cases of its test suite (tests/types/deb-test.json,
 * oci-test.json, golang-test.json), the examples of its specification, and its encoding rules (a colon is never
 * percent-encoded; '+', a scope's '@' and a '/' inside a qualifier value are; '~' is not; qualifiers are sorted).
 */
public class PurlTest {

    private static InstalledPackage pkg(PackageType type, String name, String version) {
        return InstalledPackage.found(type, name, version, "var/lib/somewhere");
    }

    @Test
    public void aDebianEpochKeepsItsColonAndAPlusIsEncoded() {
        // purl-spec deb-test.json, build: {deb, debian, attr, 1:2.4.47-2+b1, arch=amd64}
        InstalledPackage attr = pkg(PackageType.DEB, "attr", "1:2.4.47-2+b1").withSource("attr", null, "amd64");
        assertEquals("pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64", Purl.of(attr, "debian", null));
    }

    @Test
    public void debianQualifiersAreSortedArchBeforeDistroBeforeUpstream() {
        // purl-spec deb-test.json, build: {deb, debian, curl, 7.50.3-1, arch=i386, distro=jessie}
        InstalledPackage curl = pkg(PackageType.DEB, "curl", "7.50.3-1").withSource("curl", null, "i386");
        assertEquals("pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", Purl.of(curl, "debian", "jessie"));
        InstalledPackage libc = pkg(PackageType.DEB, "libc6", "2.36-9+deb12u10").withSource("glibc", null, "amd64");
        assertEquals("pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-12&upstream=glibc",
                Purl.of(libc, "debian", "debian-12"));
    }

    @Test
    public void aTildeStaysAsItIs() {
        InstalledPackage rc = pkg(PackageType.DEB, "tool", "1.0~rc1-1").withSource("tool", null, "arm64");
        assertEquals("pkg:deb/debian/tool@1.0~rc1-1?arch=arm64", Purl.of(rc, "debian", null));
    }

    @Test
    public void anAlpinePackageNamesItsOrigin() {
        InstalledPackage crypto = pkg(PackageType.APK, "libcrypto3", "3.3.1-r0").withSource("openssl", null,
                "x86_64");
        assertEquals("pkg:apk/alpine/libcrypto3@3.3.1-r0?arch=x86_64&distro=alpine-3.20.3&upstream=openssl",
                Purl.of(crypto, "alpine", "alpine-3.20.3"));
    }

    @Test
    public void aGoModulePathIsANamespaceOfSegments() {
        // purl-spec golang-test.json, build: {golang, github.com/gorilla, context, 234fd47e07d1004f0aed9c}
        assertEquals("pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c",
                Purl.of(pkg(PackageType.GO, "github.com/gorilla/context", "234fd47e07d1004f0aed9c"), null, null));
        assertEquals("pkg:golang/golang.org/x/net@v0.7.0",
                Purl.of(pkg(PackageType.GO, "golang.org/x/net", "v0.7.0"), null, null));
        // golang-test.json: a namespace that is not lower case is reported ("Namespace is not lowercased")
        assertEquals("pkg:golang/github.com/azure/azure-sdk-for-go@v1.0.0",
                Purl.of(pkg(PackageType.GO, "github.com/Azure/azure-sdk-for-go", "v1.0.0"), null, null));
    }

    @Test
    public void anNpmScopeIsANamespaceWithItsAtEncoded() {
        // the spec's example pkg:npm/%40angular/animation@12.3.1
        assertEquals("pkg:npm/%40angular/animation@12.3.1",
                Purl.of(pkg(PackageType.NPM, "@angular/animation", "12.3.1"), null, null));
        assertEquals("pkg:npm/foobar@12.3.1", Purl.of(pkg(PackageType.NPM, "foobar", "12.3.1"), null, null));
    }

    @Test
    public void mavenAndPypiNamesFollowTheirTypes() {
        // the spec's example pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1
        assertEquals("pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1",
                Purl.of(pkg(PackageType.MAVEN, "org.apache.xmlgraphics:batik-anim", "1.9.1"), null, null));
        // pypi: lower case, '_' as '-'
        assertEquals("pkg:pypi/django-allauth@12.23",
                Purl.of(pkg(PackageType.PYPI, "Django_Allauth", "12.23"), null, null));
    }

    @Test
    public void anImageIsAnOciPurlByDigestWithItsRepositoryEncoded() {
        // purl-spec oci-test.json, build: {oci, debian, sha256:244fd47e07d10, repository_url=docker.io/library/debian}
        assertEquals("pkg:oci/debian@sha256:244fd47e07d10?repository_url=docker.io%2Flibrary%2Fdebian",
                Purl.ofImage("docker.io/library/debian", "sha256:244fd47e07d10"));
        assertEquals("pkg:oci/app@sha256:0a1b?repository_url=127.0.0.1:5101%2Fteam%2Fapp",
                Purl.ofImage("127.0.0.1:5101/team/app", "sha256:0a1b"));
    }

    @Test
    public void whatIsBuiltParsesBackToTheSameComponents() throws Exception {
        InstalledPackage attr = pkg(PackageType.DEB, "attr", "1:2.4.47-2+b1~x").withSource("attr-src", null, "amd64");
        PackageURL back = new PackageURL(Purl.of(attr, "debian", "debian-12"));
        assertEquals("deb", back.getType());
        assertEquals("debian", back.getNamespace());
        assertEquals("attr", back.getName());
        assertEquals("1:2.4.47-2+b1~x", back.getVersion());
        assertEquals(Map.of("arch", "amd64", "distro", "debian-12", "upstream", "attr-src"), back.getQualifiers());
    }

    @Test
    public void whatTheTypeRefusesIsNamedAsAGenericPackage() {
        // the maven type requires a namespace: a jar known only by its file name has no groupId to give
        assertEquals("pkg:generic/legacy-lib@3.2", Purl.of(pkg(PackageType.MAVEN, "legacy-lib", "3.2"), null, null));
        assertEquals("pkg:generic/%40scope%2F@1.0", Purl.of(pkg(PackageType.NPM, "@scope/", "1.0"), null, null));
        assertEquals("empty segments are dropped", "pkg:golang/a/b@v1",
                Purl.of(pkg(PackageType.GO, "a//b", "v1"), null, null));
    }
}
