package io.jenkins.plugins.immutable.scan.version;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go module versions (golang.org/x/mod/semver): semantic versions with a {@code v} prefix, where {@code v1} and
 * {@code v1.2} are shorthands for {@code v1.0.0} and {@code v1.2.0}, {@code +incompatible} is build metadata and
 * pseudo-versions ({@code v0.0.0-20230101120000-abcdef123456}) order as the pre-releases they are. OSV writes Go
 * versions without the {@code v}, so both spellings are accepted. Toolchain versions of the {@code stdlib}
 * pseudo-module ({@code go1.21.5}, {@code go1.22rc1}) are accepted too and map as OSV maps them.
 */
final class GoVersionScheme implements VersionScheme {

    private static final Pattern TOOLCHAIN = Pattern.compile("^go(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:(rc|beta|alpha)(\\d+))?$");
    private static final Pattern SHORT = Pattern.compile("^v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?([-+].*)?$");

    @Override
    public String name() {
        return "go";
    }

    @Override
    public int compare(String a, String b) {
        return SemVerScheme.compareParsed(parse(a), parse(b));
    }

    private static SemVerScheme.Parsed parse(String version) {
        try {
            return SemVerScheme.parse(canonical(version));
        } catch (InvalidVersionException e) {
            throw new InvalidVersionException("go", version, "expected a module version such as v1.2.3");
        }
    }

    /** The canonical semantic version (without {@code v}) of a Go module or toolchain version. */
    static String canonical(String version) {
        String v = version.strip();
        Matcher toolchain = TOOLCHAIN.matcher(v);
        if (toolchain.matches()) {
            String pre = toolchain.group(4) == null ? "" : "-" + toolchain.group(4) + "." + toolchain.group(5);
            return toolchain.group(1) + "." + orZero(toolchain.group(2)) + "." + orZero(toolchain.group(3)) + pre;
        }
        Matcher m = SHORT.matcher(v);
        if (m.matches() && (m.group(2) == null || m.group(3) == null)) {
            if (m.group(4) != null) {
                // Go accepts the shorthand only without pre-release or build suffix.
                throw new InvalidVersionException("go", version, "a shorthand version cannot carry a suffix");
            }
            return m.group(1) + "." + orZero(m.group(2)) + "." + orZero(m.group(3));
        }
        return v.startsWith("v") ? v.substring(1) : v;
    }

    private static String orZero(String s) {
        return s == null ? "0" : s;
    }
}
