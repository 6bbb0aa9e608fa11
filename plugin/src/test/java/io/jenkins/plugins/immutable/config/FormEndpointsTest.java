package io.jenkins.plugins.immutable.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.util.Secret;
import io.jenkins.plugins.immutable.testing.Fixtures;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.kohsuke.stapler.verb.POST;

/**
 * Every form endpoint of the plugin (each descriptor's {@code doCheck...} and {@code doFill...}), called over HTTP as a
 * browser would: a GET is refused (404 or 405), a user without the permission the form needs is refused (403), and
 * one with it is answered.
 */
public class FormEndpointsTest {

    @Rule
    public JenkinsRule r = new JenkinsRule();

    private WorkflowJob job;

    @Before
    public void users() throws Exception {
        job = r.createProject(WorkflowJob.class, "app");
        Fixtures.addCredentials(new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "registry-login",
                "registry", "ci", "s3cret-password"));
        Fixtures.addCredentials(new StringCredentialsImpl(CredentialsScope.GLOBAL, "registry-login-password",
                "password", Secret.fromString("key password")));
        Fixtures.addCredentials(new FileCredentialsImpl(CredentialsScope.GLOBAL, "registry-login-key", "key",
                "cosign.key", SecretBytes.fromRawBytes(new byte[] {1, 2, 3})));
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ, Item.READ).everywhere().to("reader")
                .grant(Jenkins.READ, Item.READ, Item.CONFIGURE).everywhere().to("developer"));
    }

    /** Path of each form endpoint under a descriptor's URL, with the descriptor. */
    private record Endpoint(Descriptor<?> descriptor, String path) {
        boolean isStep() {
            return descriptor instanceof org.jenkinsci.plugins.workflow.steps.StepDescriptor;
        }
    }

    private List<Endpoint> endpoints() {
        List<Endpoint> all = new ArrayList<>();
        for (Descriptor<?> d : r.jenkins.getExtensionList(Descriptor.class)) {
            if (!d.getClass().getName().startsWith("io.jenkins.plugins.immutable.")) {
                continue;
            }
            for (Method m : d.getClass().getMethods()) {
                String name = m.getName();
                if (name.startsWith("doCheck") || name.startsWith("doFill")) {
                    assertTrue(d.getClass().getName() + "." + name + " takes POST only",
                            m.isAnnotationPresent(POST.class));
                    all.add(new Endpoint(d, Character.toLowerCase(name.charAt(2)) + name.substring(3)));
                }
            }
        }
        return all;
    }

    private int call(String user, HttpMethod method, String url) throws Exception {
        return page(user, method, url).getWebResponse().getStatusCode();
    }

    /** One logged-in client per user: logging in for every call would make this test slow. */
    private final Map<String, JenkinsRule.WebClient> clients = new HashMap<>();

    private Page page(String user, HttpMethod method, String url) throws Exception {
        JenkinsRule.WebClient wc = clients.get(user);
        if (wc == null) {
            wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
            wc.getOptions().setPrintContentOnFailingStatusCode(false);
            wc.getOptions().setJavaScriptEnabled(false);
            wc.login(user);
            clients.put(user, wc);
        }
        WebRequest request = new WebRequest(new URL(r.getURL(), url), method);
        return wc.getPage(method == HttpMethod.POST ? wc.addCrumb(request) : request);
    }

    @Test
    public void everyFormEndpointRefusesGetAndUsersWithoutThePermission() throws Exception {
        List<Endpoint> endpoints = endpoints();
        assertTrue("the plugin's form endpoints were found: " + endpoints, endpoints.size() >= 40);
        for (Endpoint e : endpoints) {
            String base = (e.isStep() ? job.getUrl() : "") + "descriptorByName/" + e.descriptor().getId() + "/"
                    + e.path();
            // Stapler answers a GET of a POST-only web method as if there were no such method
            int get = call("admin", HttpMethod.GET, base);
            assertTrue("GET " + base + " answered " + get, get == 404 || get == 405);
            if (e.path().matches("fill\\w*CredentialsIdItems")) {
                // credentials' own pattern: others get an answer, but only the value they already have
                assertFalse(base, page("developer", HttpMethod.POST, base).getWebResponse().getContentAsString()
                        .contains("registry-login"));
                assertTrue(base, page("admin", HttpMethod.POST, base).getWebResponse().getContentAsString()
                        .contains("registry-login"));
                continue;
            }
            // a step's form is the job's Snippet Generator: Configure on the job; the global forms: Administer
            String allowed = e.isStep() ? "developer" : "admin";
            String refused = e.isStep() ? "reader" : "developer";
            assertEquals("POST " + base + " as " + refused, 403, call(refused, HttpMethod.POST, base));
            assertEquals("POST " + base + " as " + allowed, 200, call(allowed, HttpMethod.POST, base));
        }
    }
}
