package org.harbour.routes.consent;

/** The outcome of a consent check for one record and one recipient: why it may go, or why not. */
public sealed interface ConsentDecision {

    String why();

    /** Allowed by {@code consent} (Consent/<id>). */
    record Permit(String consent, String why) implements ConsentDecision {
    }

    /** Not allowed; {@code consent} names the denying consent when one denied explicitly (else null: default deny). */
    record Deny(String consent, String why) implements ConsentDecision {
    }
}
