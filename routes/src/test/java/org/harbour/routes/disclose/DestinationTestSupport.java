package org.harbour.routes.disclose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Acks;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.audit.AuditTrail;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.beans.factory.annotation.Autowired;

/** What the system-destination tests share: sending results, a consented patient, the audit trail, the seal. */
abstract class DestinationTestSupport extends HubTestSupport {

    @Autowired
    protected AuditTrail audit;

    @Autowired
    protected org.harbour.routes.support.BrokerSeal seal;

    /** Sends one message over MLLP; the hub must take it (AA). */
    protected void send(String message) throws Exception {
        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send(message.getBytes(StandardCharsets.UTF_8))).code()).isEqualTo("AA");
        }
    }

    /**
     * A first result from {@code sender} for patient {@code n} (family name {@code family}), so the
     * patient exists; then a consent {@code <consent>-<n>} permitting laboratory results to {@code actor}.
     */
    protected String patientWithConsent(String sender, int n, String family, String consent, String actor)
            throws Exception {
        send(Hl7Samples.potassium(sender, sender.charAt(0) + "" + n + "-0", n, "3.9", "N")
                .replace("陳^大文", family + "^大文"));
        String patient = hubPatient(Hl7Samples.hkidOf(n));
        assertThat(sendJson("PUT", "/fhir/Consent/" + consent + "-" + n, DeliveryTest.consent(consent + "-" + n, patient,
                "active", actor, DeliveryTest.LAB)).statusCode()).isEqualTo(201);
        return patient;
    }

    protected List<AuditEvent> audited(String patient, String subtype) {
        return audit.search(new AuditTrail.Query(patient, null, List.of(subtype), null, null), 500, 0).entries();
    }
}
