package io.jenkins.plugins.immutable.scan.catalog;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Package URLs (package-url/purl-spec): {@code pkg:type/namespace/name@version?qualifiers}, percent-encoded. */
public final class Purl {

    private Purl() {
    }

    /** The purl of a package; OS packages name their distribution, such as {@code debian-12}, when it is known. */
    public static String of(InstalledPackage p, String vendor, String distro) {
        Map<String, String> qualifiers = new TreeMap<>();
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
            case PYPI -> name = name.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
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
        StringBuilder out = new StringBuilder("pkg:").append(p.type().purlType()).append('/');
        if (namespace != null) {
            for (String segment : namespace.split("/")) {
                out.append(encode(segment)).append('/');
            }
        }
        out.append(encode(name)).append('@').append(encode(p.version()));
        String sep = "?";
        for (Map.Entry<String, String> q : qualifiers.entrySet()) {
            out.append(sep).append(q.getKey()).append('=').append(encode(q.getValue()));
            sep = "&";
        }
        return out.toString();
    }

    /** Percent-encodes all but unreserved characters and {@code :} (which purls leave as is, as in Debian epochs). */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == ':') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
