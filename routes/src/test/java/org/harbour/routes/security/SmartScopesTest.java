package org.harbour.routes.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.harbour.routes.security.SmartScopes.Access;
import org.junit.jupiter.api.Test;

/** SMART v1 and v2 scopes, and which request each one allows. */
class SmartScopesTest {

    private static SmartScopes scopes(String... scopes) {
        return new SmartScopes(List.of(scopes), "harbour/admin");
    }

    @Test
    void v1ReadAndWriteAreByResourceTypeOrWildcard() {
        SmartScopes s = scopes("system/Observation.read", "user/Consent.write");
        assertThat(s.allows("Observation", Access.READ)).isTrue();
        assertThat(s.allows("Observation", Access.WRITE)).isFalse();
        assertThat(s.allows("Patient", Access.READ)).isFalse();
        assertThat(s.allows("Consent", Access.WRITE)).isTrue();
        assertThat(s.allows("Consent", Access.READ)).isFalse();
        assertThat(scopes("system/*.read").allows("DiagnosticReport", Access.READ)).isTrue();
        assertThat(scopes("system/*.read").allowsEverything(Access.READ)).isTrue();
        assertThat(scopes("system/*.*").allows("Consent", Access.WRITE)).isTrue();
    }

    @Test
    void v2NeedsReadAndSearchForReadAndCreateAndUpdateForWrite() {
        assertThat(scopes("system/Observation.rs").allows("Observation", Access.READ)).isTrue();
        assertThat(scopes("system/Observation.r").allows("Observation", Access.READ)).isFalse();
        assertThat(scopes("user/Consent.cud").allows("Consent", Access.WRITE)).isTrue();
        assertThat(scopes("user/Consent.cruds").allows("Consent", Access.READ)).isTrue();
        assertThat(scopes("user/Consent.d").allows("Consent", Access.WRITE)).isFalse();
        assertThat(scopes("user/Consent.xyz").allows("Consent", Access.WRITE)).isFalse();
    }

    @Test
    void patientScopesGrantNothingWithoutALaunchContext() {
        SmartScopes s = scopes("patient/*.read", "patient/Observation.rs");
        assertThat(s.allows("Observation", Access.READ)).isFalse();
        assertThat(s.allowsEverything(Access.READ)).isFalse();
    }

    @Test
    void eachRequestNeedsItsScope() {
        ApiAuthorization rules = new ApiAuthorization("harbour/admin");
        SmartScopes reader = scopes("system/Observation.read");
        assertThat(rules.requirement("GET", "/fhir/Observation").test().test(reader)).isTrue();
        assertThat(rules.requirement("GET", "/fhir/Observation/abc/_history/2").test().test(reader)).isTrue();
        assertThat(rules.requirement("GET", "/fhir/Patient/abc").test().test(reader)).isFalse();
        assertThat(rules.requirement("GET", "/fhir/Patient/abc").scope()).isEqualTo("system/Patient.read");
        assertThat(rules.requirement("PUT", "/fhir/Observation/abc").test().test(reader)).isFalse();
        assertThat(rules.requirement("GET", "/fhir/metadata").test().test(scopes())).isTrue();
        assertThat(rules.requirement("GET", "/api/messages").test().test(reader)).isFalse();
        assertThat(rules.requirement("GET", "/api/messages/x/raw").test().test(scopes("harbour/messages.read"))).isTrue();
        assertThat(rules.requirement("GET", "/api/messages").test().test(scopes("system/*.read"))).isTrue();
        assertThat(rules.requirement("POST", "/api/messages/x/replay").test().test(scopes("harbour/messages.read")))
                .isFalse();
        assertThat(rules.requirement("POST", "/api/messages/x/replay").test().test(scopes("harbour/admin"))).isTrue();
        // the administrator lists and inspects messages, but their content is the message reader's
        assertThat(rules.requirement("GET", "/api/messages").test().test(scopes("harbour/admin"))).isTrue();
        assertThat(rules.requirement("GET", "/api/messages/x").test().test(scopes("harbour/admin"))).isTrue();
        assertThat(rules.requirement("GET", "/api/messages/x/raw").test().test(scopes("harbour/admin"))).isFalse();
        assertThat(rules.requirement("GET", "/api/messages/x/report").test().test(scopes("harbour/admin"))).isFalse();
        assertThat(rules.requirement("GET", "/api/messages/x/raw").scope()).isEqualTo("harbour/messages.read");
        assertThat(rules.requirement("GET", "/api/patients/p1/disclosures.html").test()
                .test(scopes("user/AuditEvent.read"))).isTrue();
        assertThat(rules.requirement("GET", "/api/anything-else").test().test(scopes("system/*.*"))).isFalse();
    }
}
