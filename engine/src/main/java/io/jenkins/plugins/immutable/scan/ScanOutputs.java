package io.jenkins.plugins.immutable.scan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.scan.catalog.InstalledPackage;
import io.jenkins.plugins.immutable.scan.catalog.PackageType;
import io.jenkins.plugins.immutable.scan.catalog.Purl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A scan report in the formats other tools read: the report itself as JSON (what the plugin stores and promotion
 * gates read back), a CycloneDX 1.5 SBOM with the vulnerabilities, SARIF 2.1.0 (warnings-ng, GitHub code scanning),
 * and the predicate of cosign's vulnerability attestation ({@value #COSIGN_VULN_PREDICATE_TYPE}), which the sign
 * package wraps in an in-toto statement.
 */
public final class ScanOutputs {

    public static final String COSIGN_VULN_PREDICATE_TYPE = "https://cosign.sigstore.dev/attestation/vuln/v1";
    public static final String CYCLONEDX_MEDIA_TYPE = "application/vnd.cyclonedx+json";
    public static final String SARIF_MEDIA_TYPE = "application/sarif+json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ScanOutputs() {
    }

    /** Who ran the scan, for the attestation's {@code invocation}: a build URL, its event id, the builder's id. */
    public record Invocation(Map<String, String> parameters, String uri, String eventId, String builderId) {
        public static final Invocation NONE = new Invocation(Map.of(), "", "", "");
    }

    // --- the report as JSON ---

    public static String json(ScanReport report) {
        return write(JSON.valueToTree(report));
    }

    /** Reads back a report written by {@link #json}. */
    public static ScanReport parseJson(String json) {
        try {
            return JSON.readValue(json, ScanReport.class);
        } catch (JsonProcessingException e) {
            throw EngineException.badInput("this is not a scan report written by this scanner ("
                    + e.getOriginalMessage() + "); scan the image again");
        }
    }

    // --- CycloneDX 1.5 ---

    public static String cycloneDx(ScanReport report) {
        ObjectNode bom = JSON.createObjectNode();
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", "1.5");
        bom.put("serialNumber", "urn:uuid:" + UUID.nameUUIDFromBytes(
                (report.image() + "\n" + report.startedOn()).getBytes(StandardCharsets.UTF_8)));
        bom.put("version", 1);
        ObjectNode metadata = bom.putObject("metadata");
        metadata.put("timestamp", timestamp(report.finishedOn()));
        ObjectNode tool = metadata.putObject("tools").putArray("components").addObject();
        tool.put("type", "application");
        tool.put("name", ScanReport.SCANNER_NAME);
        tool.put("version", report.scannerVersion());
        ObjectNode image = metadata.putObject("component");
        image.put("type", "container");
        image.put("bom-ref", "image");
        image.put("name", imageName(report));
        if (report.digest() != null) {
            image.put("version", report.digest());
            image.put("purl", ociPurl(report));
        }
        ArrayNode components = bom.putArray("components");
        if (report.os().isKnown()) {
            ObjectNode os = components.addObject();
            os.put("type", "operating-system");
            os.put("bom-ref", "os");
            os.put("name", report.os().id());
            os.put("version", report.os().versionId());
            os.put("description", report.os().prettyName());
        }
        Map<InstalledPackage, String> refs = new HashMap<>();
        Map<String, Integer> used = new HashMap<>();
        for (InstalledPackage p : report.packages()) {
            String base = p.purl() + "#" + p.location();
            int n = used.merge(base, 1, Integer::sum);
            String ref = n == 1 ? base : base + "#" + n;
            refs.putIfAbsent(p, ref);
            ObjectNode c = components.addObject();
            c.put("type", "library");
            c.put("bom-ref", ref);
            String[] groupAndName = groupAndName(p);
            if (groupAndName[0] != null) {
                c.put("group", groupAndName[0]);
            }
            c.put("name", groupAndName[1]);
            c.put("version", p.version());
            c.put("purl", p.purl());
            ArrayNode props = c.putArray("properties");
            property(props, "immutable-delivery:package:type", p.type().purlType());
            property(props, "immutable-delivery:location", p.location());
            if (p.layer() != null) {
                property(props, "immutable-delivery:layer", p.layer());
            }
            if (!p.sourceName().equals(p.name()) || !p.sourceVersion().equals(p.version())) {
                property(props, "immutable-delivery:source", p.sourceName() + " " + p.sourceVersion());
            }
        }
        ArrayNode vulns = bom.putArray("vulnerabilities");
        for (Finding f : report.findings()) {
            ObjectNode v = vulns.addObject();
            v.put("bom-ref", f.id() + "#" + refs.get(f.pkg()));
            v.put("id", f.id());
            ObjectNode source = v.putObject("source");
            source.put("name", "OSV");
            source.put("url", "https://osv.dev/vulnerability/" + f.id());
            if (!f.aliases().isEmpty()) {
                ArrayNode references = v.putArray("references");
                for (String alias : f.aliases()) {
                    ObjectNode r = references.addObject();
                    r.put("id", alias);
                    r.putObject("source").put("name", alias.startsWith("CVE-") ? "NVD" : "OSV");
                }
            }
            ObjectNode rating = v.putArray("ratings").addObject();
            rating.putObject("source").put("name", "OSV");
            if (f.cvssScore() != null) {
                rating.put("score", f.cvssScore());
                rating.put("method", cvssMethod(f.cvssVector()));
                rating.put("vector", f.cvssVector());
            }
            rating.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
            v.put("description", f.summary());
            if (f.fixAvailable()) {
                v.put("recommendation", "Upgrade " + f.pkg().name() + " to " + f.fixedVersion() + " or later");
            }
            v.putArray("advisories").addObject().put("url", f.source());
            v.putArray("affects").addObject().put("ref", refs.get(f.pkg()));
            if (f.isIgnored()) {
                ObjectNode analysis = v.putObject("analysis");
                analysis.put("state", "in_triage");
                analysis.putArray("response").add("will_not_fix");
                analysis.put("detail", ignoreText(f.ignoredBy()));
            }
        }
        return write(bom);
    }

    // --- SARIF 2.1.0 ---

    public static String sarif(ScanReport report) {
        ObjectNode log = JSON.createObjectNode();
        log.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        log.put("version", "2.1.0");
        ObjectNode run = log.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", ScanReport.SCANNER_NAME);
        driver.put("version", report.scannerVersion());
        driver.put("informationUri", ScanReport.SCANNER_URI);
        ArrayNode rules = driver.putArray("rules");
        Map<String, Integer> ruleIndex = new LinkedHashMap<>();
        for (Finding f : report.findings()) {
            if (ruleIndex.containsKey(f.id())) {
                continue;
            }
            ruleIndex.put(f.id(), ruleIndex.size());
            ObjectNode rule = rules.addObject();
            rule.put("id", f.id());
            rule.put("name", f.id().replaceAll("[^A-Za-z0-9]", ""));
            rule.putObject("shortDescription").put("text", f.summary());
            rule.putObject("fullDescription").put("text", f.summary()
                    + (f.aliases().isEmpty() ? "" : " (" + String.join(", ", f.aliases()) + ")"));
            rule.put("helpUri", f.source());
            rule.putObject("help").put("text", "See " + f.source() + " and https://osv.dev/vulnerability/" + f.id());
            rule.putObject("defaultConfiguration").put("level", level(f.severity()));
            ObjectNode props = rule.putObject("properties");
            props.put("security-severity", String.format(Locale.ROOT, "%.1f", securitySeverity(f)));
            props.put("precision", "very-high");
            props.putArray("tags").add("security").add("vulnerability");
        }
        ArrayNode results = run.putArray("results");
        for (Finding f : report.findings()) {
            ObjectNode r = results.addObject();
            r.put("ruleId", f.id());
            r.put("ruleIndex", ruleIndex.get(f.id()));
            r.put("level", level(f.severity()));
            r.putObject("message").put("text", message(f));
            ObjectNode physical = r.putArray("locations").addObject().putObject("physicalLocation");
            physical.putObject("artifactLocation").put("uri", f.pkg().location());
            physical.putObject("region").put("startLine", 1);
            r.putObject("partialFingerprints").put("vulnerability/package", f.id() + ":" + f.pkg().purl());
            ObjectNode props = r.putObject("properties");
            props.put("package", f.pkg().purl());
            props.put("severity", f.severity().name());
            if (f.fixAvailable()) {
                props.put("fixedVersion", f.fixedVersion());
            }
            if (f.isIgnored()) {
                ObjectNode s = r.putArray("suppressions").addObject();
                s.put("kind", "external");
                s.put("status", "accepted");
                s.put("justification", ignoreText(f.ignoredBy()));
            }
        }
        ObjectNode invocation = run.putArray("invocations").addObject();
        invocation.put("executionSuccessful", true);
        invocation.put("startTimeUtc", timestamp(report.startedOn()));
        invocation.put("endTimeUtc", timestamp(report.finishedOn()));
        return write(log);
    }

    // --- cosign's vulnerability attestation predicate ---

    /**
     * The predicate of {@value #COSIGN_VULN_PREDICATE_TYPE}: {@code invocation}, {@code scanner} (uri, version, the
     * database's location and state, and the result: this report as JSON) and {@code metadata} (scan start and end).
     */
    public static String vulnPredicate(ScanReport report, Invocation invocation) {
        ObjectNode predicate = JSON.createObjectNode();
        ObjectNode inv = predicate.putObject("invocation");
        inv.set("parameters", JSON.valueToTree(invocation.parameters()));
        inv.put("uri", invocation.uri());
        inv.put("event_id", invocation.eventId());
        inv.put("builder.id", invocation.builderId());
        ObjectNode scanner = predicate.putObject("scanner");
        scanner.put("uri", ScanReport.SCANNER_URI);
        scanner.put("version", report.scannerVersion());
        ObjectNode db = scanner.putObject("db");
        db.put("uri", databaseUri(report));
        db.put("version", report.database().newestModified().isEmpty() ? report.database().fingerprint()
                : report.database().newestModified() + " (sha256:" + report.database().fingerprint() + ")");
        scanner.set("result", JSON.valueToTree(report));
        ObjectNode metadata = predicate.putObject("metadata");
        metadata.put("scanStartedOn", timestamp(report.startedOn()));
        metadata.put("scanFinishedOn", timestamp(report.finishedOn()));
        return write(predicate);
    }

    // --- helpers ---

    private static String databaseUri(ScanReport report) {
        try {
            return Path.of(report.database().location()).toAbsolutePath().toUri().toString();
        } catch (RuntimeException e) {
            return report.database().location();
        }
    }

    private static String level(Severity s) {
        return switch (s) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            default -> "note";
        };
    }

    /** GitHub's security-severity: the CVSS score, or the middle of the severity's band without one. */
    private static double securitySeverity(Finding f) {
        if (f.cvssScore() != null) {
            return f.cvssScore();
        }
        return switch (f.severity()) {
            case CRITICAL -> 9.5;
            case HIGH -> 8.0;
            case MEDIUM -> 5.5;
            case LOW -> 2.0;
            default -> 0.0;
        };
    }

    private static String message(Finding f) {
        InstalledPackage p = f.pkg();
        StringBuilder m = new StringBuilder();
        m.append(p.name()).append(' ').append(p.version());
        if (p.type().isOsPackage() && !p.sourceName().equals(p.name())) {
            m.append(" (source ").append(p.sourceName()).append(' ').append(p.sourceVersion()).append(')');
        }
        m.append(" is affected by ").append(f.id());
        if (!f.aliases().isEmpty()) {
            m.append(" (").append(String.join(", ", f.aliases())).append(')');
        }
        m.append(", ").append(f.severity().name().toLowerCase(Locale.ROOT));
        if (f.cvssScore() != null) {
            m.append(" ").append(f.cvssScore());
        }
        m.append(": ").append(f.summary()).append('.');
        m.append(f.fixAvailable() ? " Fixed in " + f.fixedVersion() + "." : " No fixed version yet.");
        return m.toString();
    }

    private static String ignoreText(IgnoreRule rule) {
        return "ignored" + (rule.expires() == null ? "" : " until " + rule.expires()) + ": " + rule.reason();
    }

    private static String[] groupAndName(InstalledPackage p) {
        String name = p.name();
        if (p.type() == PackageType.MAVEN && name.contains(":")) {
            return new String[] {name.substring(0, name.indexOf(':')), name.substring(name.indexOf(':') + 1)};
        }
        if (p.type() == PackageType.NPM && name.startsWith("@") && name.contains("/")) {
            return new String[] {name.substring(0, name.indexOf('/')), name.substring(name.indexOf('/') + 1)};
        }
        return new String[] {null, name};
    }

    private static String imageName(ScanReport report) {
        String image = report.image();
        int at = image.indexOf('@');
        return at > 0 ? image.substring(0, at) : image;
    }

    /** The image's purl (purl-spec's oci type): its repository without the tag, by digest. */
    private static String ociPurl(ScanReport report) {
        String repository = imageName(report);
        int colon = repository.lastIndexOf(':');
        if (colon > repository.lastIndexOf('/')) {
            repository = repository.substring(0, colon); // drop a tag
        }
        return Purl.ofImage(repository, report.digest());
    }

    /** CycloneDX's name for the CVSS version of a vector: v2 vectors carry no prefix, v3.x and v4 say theirs. */
    static String cvssMethod(String vector) {
        if (vector.startsWith("CVSS:4.")) {
            return "CVSSv4";
        }
        if (vector.startsWith("CVSS:3.0")) {
            return "CVSSv3";
        }
        return vector.startsWith("CVSS:3.") ? "CVSSv31" : "CVSSv2";
    }

    private static void property(ArrayNode props, String name, String value) {
        ObjectNode p = props.addObject();
        p.put("name", name);
        p.put("value", value);
    }

    private static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static String write(Object tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree built here always serialises", e);
        }
    }
}
