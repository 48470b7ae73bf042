package org.harbour.routes.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.harbour.routes.audit.AuditTrail;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** What the console's Jolokia may be asked: same origin, POST for operations, nothing past the hub's own management. */
class ConsoleGuardTest {

    private final AuditTrail audit = mock(AuditTrail.class);
    private final ConsoleGuard guard = new ConsoleGuard(audit, List.of("https://harbour.hospital.example"));

    private static String refusal(String json) {
        return ConsoleGuard.check(json.getBytes(StandardCharsets.UTF_8), new ArrayList<>());
    }

    @Test
    void operationsPastTheHubsOwnManagementAreRefused() {
        assertThat(refusal("{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\","
                + "\"operation\":\"dumpHeap(java.lang.String,boolean)\",\"arguments\":[\"/tmp/h.hprof\",true]}"))
                .contains("dumpHeap");
        assertThat(refusal("{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\","
                + "\"operation\":\"gcHeapDump\"}")).isNotNull();
        assertThat(refusal("{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}")).isNotNull();
        assertThat(refusal("{\"type\":\"write\",\"mbean\":\"java.util.logging:type=Logging\",\"attribute\":\"x\"}"))
                .isNotNull();
        assertThat(refusal("{\"type\":\"exec\",\"mbean\":\"java.util.logging:type=Logging\","
                + "\"operation\":\"setLoggerLevel\",\"arguments\":[\"org.harbour\",\"FINEST\"]}")).isNotNull();
        assertThat(refusal("{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=harbour,type=context,name=\\\"harbour\\\"\","
                + "\"operation\":\"sendBody(java.lang.String,java.lang.Object)\",\"arguments\":[\"jms:queue:harbour.inbound\","
                + "\"MSH|...\"]}")).contains("sendBody");
        assertThat(refusal("{\"type\":\"exec\",\"mbean\":\"org.apache.activemq.artemis:broker=\\\"localhost\\\"\","
                + "\"operation\":\"sendMessage\"}")).isNotNull();
        assertThat(refusal("{\"type\":\"exec\",\"mbean\":\"org.apache.camel:*\",\"operation\":\"stop\"}"))
                .as("a pattern could reach every MBean at once").isNotNull();
        assertThat(refusal("{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"SystemProperties\"}"))
                .isNotNull();
        assertThat(refusal("{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\"}")).isNotNull();
        // one bad request in a bulk refuses the bulk
        assertThat(refusal("[{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"HeapMemoryUsage\"},"
                + "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\"}]"))
                .isNotNull();
        assertThat(refusal("not json")).isNotNull();
    }

    @Test
    void whatHawtioNeedsIsAllowedAndOnlyChangesAreAudited() {
        List<String> audited = new ArrayList<>();
        assertThat(ConsoleGuard.check(("[{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"HeapMemoryUsage\"},"
                + "{\"type\":\"search\",\"mbean\":\"org.apache.camel:*\"},"
                + "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=harbour,type=routes,name=\\\"store\\\"\","
                + "\"operation\":\"dumpRouteStatsAsXml(boolean,boolean)\",\"arguments\":[false,true]},"
                + "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=harbour,type=routes,name=\\\"store\\\"\","
                + "\"operation\":\"stop()\"},"
                + "{\"type\":\"exec\",\"mbean\":\"org.apache.activemq.artemis:broker=\\\"localhost\\\",component=addresses,"
                + "address=\\\"harbour.dlq\\\",subcomponent=queues,routing-type=\\\"anycast\\\",queue=\\\"harbour.dlq\\\"\","
                + "\"operation\":\"retryMessage(long)\",\"arguments\":[42]}]").getBytes(StandardCharsets.UTF_8), audited))
                .isNull();
        assertThat(audited).hasSize(2).anySatisfy(a -> assertThat(a).contains("name=\"store\"", "stop"))
                .anySatisfy(a -> assertThat(a).contains("harbour.dlq", "retryMessage"));
    }

    private MockHttpServletRequest request(String method, String uri, String origin) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
        request.setScheme("http");
        request.setServerName("localhost");
        request.setServerPort(8080);
        if (origin != null) {
            request.addHeader("Origin", origin);
        }
        return request;
    }

    @Test
    void anotherSitesRequestIsRefusedAndAudited() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        guard.doFilter(request("GET", "/jolokia/read/java.lang:type=Memory/HeapMemoryUsage", "https://evil.example"),
                response, chain);
        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(chain.getRequest()).as("not passed on").isNull();
        assertThat(response.getHeader("Access-Control-Allow-Credentials")).isNull();
        ArgumentCaptor<AuditEvent> denied = ArgumentCaptor.forClass(AuditEvent.class);
        verify(audit).record(denied.capture());
        assertThat(denied.getValue().getSubtypeFirstRep().getCode()).isEqualTo("access-denied");

        for (String origin : new String[] {"http://localhost:8080", "https://harbour.hospital.example", null}) {
            MockFilterChain passed = new MockFilterChain();
            MockHttpServletResponse ok = new MockHttpServletResponse();
            guard.doFilter(request("GET", "/jolokia/read/java.lang:type=Memory/HeapMemoryUsage", origin), ok, passed);
            assertThat(passed.getRequest()).as(String.valueOf(origin)).isNotNull();
        }
    }

    @Test
    void anOperationByGetIsRefusedAndByPostIsAuditedBeforeItRuns() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        guard.doFilter(request("GET", "/jolokia/exec/org.apache.camel:context=harbour,type=routes,name=%22store%22/stop",
                null), response, chain);
        assertThat(response.getStatus()).isEqualTo(405);
        assertThat(response.getHeader("Allow")).isEqualTo("POST");
        assertThat(chain.getRequest()).isNull();

        MockHttpServletRequest post = request("POST", "/jolokia", "http://localhost:8080");
        String body = "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=harbour,type=routes,name=\\\"store\\\"\","
                + "\"operation\":\"stop()\"}";
        post.setContent(body.getBytes(StandardCharsets.UTF_8));
        MockFilterChain passed = new MockFilterChain();
        guard.doFilter(post, new MockHttpServletResponse(), passed);
        // Jolokia reads the very same body
        assertThat(new String(passed.getRequest().getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(body);
        ArgumentCaptor<AuditEvent> entries = ArgumentCaptor.forClass(AuditEvent.class);
        verify(audit, times(2)).record(entries.capture());
        AuditEvent operation = entries.getAllValues().get(1);
        assertThat(operation.getSubtypeFirstRep().getCode()).isEqualTo("console-operation");
        assertThat(operation.getOutcomeDesc()).contains("name=\"store\"", "stop");

        MockHttpServletRequest heap = request("POST", "/jolokia", null);
        heap.setContent(("{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\","
                + "\"operation\":\"dumpHeap(java.lang.String,boolean)\",\"arguments\":[\"/tmp/x.hprof\",true]}")
                .getBytes(StandardCharsets.UTF_8));
        MockHttpServletResponse refused = new MockHttpServletResponse();
        MockFilterChain notPassed = new MockFilterChain();
        guard.doFilter(heap, refused, notPassed);
        assertThat(refused.getStatus()).isEqualTo(403);
        assertThat(notPassed.getRequest()).isNull();
    }

    @Test
    void pathsOutsideTheConsoleAreNotLookedAt() throws Exception {
        MockFilterChain chain = new MockFilterChain();
        guard.doFilter(request("POST", "/fhir", "https://evil.example"), new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest()).isNotNull();
        verify(audit, never()).record(any());
    }
}
