package io.jenkins.plugins.immutable.scan.catalog;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Package URLs (package-url/purl-spec), built by packageurl-java, the spec's Java implementation: it applies each
 * type's normalisation (lower-case deb, apk and golang namespaces, PyPI names with '-' for '_'), encodes every
 * character outside the spec's allowed set ({@code +} as {@code %2B}, an npm scope's {@code @} as {@code %40}, a
 * {@code /} inside a qualifier value as {@code %2F}) and sorts the qualifiers.
 */
public final class Purl {

    private Purl() {
    }

    /** The purl of a package; OS packages name their distribution, such as {@code debian-12}, when it is known. */
    public static String of(InstalledPackage p, String vendor, String distro) {
        TreeMap<String, String> qualifiers = new TreeMap<>();
        if (p.arch() != null && !p.arch().isEmpty()) {
            qualifiers.put("arch", p.arch());
        }
        if (distro != null && !distro.isEmpty()) {
            qualifiers.put("distro", distro);
        }
        String namespace = null;
        String name = p.name();
        switch (p.type()) {
            case DEB, APK -> {
                namespace = vendor;
                if (!p.sourceName().equals(p.name())) {
                    qualifiers.put("upstream", p.sourceName());
                }
            }
            case MAVEN -> {
                int colon = name.indexOf(':');
                if (colon > 0) {
                    namespace = name.substring(0, colon);
                    name = name.substring(colon + 1);
                }
            }
            case NPM -> {
                int slash = name.indexOf('/');
                if (name.startsWith("@") && slash > 0) {
                    namespace = name.substring(0, slash);
                    name = name.substring(slash + 1);
                }
            }
            case GO -> {
                int slash = name.lastIndexOf('/');
                if (slash > 0) {
                    namespace = name.substring(0, slash);
                    name = name.substring(slash + 1);
                }
            }
            default -> {
            }
        }
        String version = p.version().isEmpty() ? null : p.version();
        try {
            return build(p.type().purlType(), segments(namespace), name, version, qualifiers);
        } catch (MalformedPackageURLException e) {
            // What the type's rules refuse: a name the split above leaves empty (an npm "@scope/"), or a Maven
            // artifact whose groupId nothing in the image names (a jar known by its file name only), where the maven
            // type requires one. Rather than invent a group, the package is named as what is known: a generic one.
            try {
                return build("generic", null, p.name(), version, qualifiers);
            } catch (MalformedPackageURLException again) {
                throw new IllegalArgumentException("no package URL can name " + p.type() + " package '" + p.name()
                        + "' at " + p.location() + ": " + again.getMessage(), again);
            }
        }
    }

    /**
     * The purl of an image by digest, purl-spec's {@code oci} type:
     * {@code pkg:oci/<last path segment>@sha256:<hex>?repository_url=<registry>%2F<path>}.
     *
     * @param repository the image's {@code registry/path}, without tag or digest
     */
    public static String ofImage(String repository, String digest) {
        String name = repository.substring(repository.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        TreeMap<String, String> qualifiers = new TreeMap<>();
        qualifiers.put("repository_url", repository);
        try {
            return build("oci", null, name, digest, qualifiers);
        } catch (MalformedPackageURLException e) {
            throw new IllegalArgumentException("no package URL can name the image " + repository + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * packageurl-java's canonical form, with the one place where it still differs from the spec corrected: the spec
     * says a colon MUST NOT be percent-encoded, whether a separator or not ({@code pkg:deb/debian/attr@1:2.4.47-2%2Bb1}
     * in its deb tests, {@code pkg:oci/debian@sha256:244fd...} in its oci tests), while packageurl-java 1.5 writes
     * {@code %3A}. Only a colon becomes {@code %3A} (a literal {@code %} is {@code %25}), so this undoes exactly that.
     */
    private static String build(String type, String namespace, String name, String version,
            TreeMap<String, String> qualifiers) throws MalformedPackageURLException {
        String canonical = new PackageURL(type, namespace, name, version, qualifiers.isEmpty() ? null : qualifiers,
                null).canonicalize();
        return canonical.replace("%3A", ":");
    }

    /** A namespace without empty segments ({@code a//b} is {@code a/b}), or null when nothing is left. */
    private static String segments(String namespace) {
        if (namespace == null) {
            return null;
        }
        String joined = Arrays.stream(namespace.split("/")).filter(s -> !s.isEmpty()).collect(Collectors.joining("/"));
        return joined.isEmpty() ? null : joined;
    }
}
