package org.harbour.routes.audit;

import org.harbour.routes.TestDatabase;

/** Tamper evidence on H2, the embedded default (file mode, PostgreSQL mode, as in the hub). */
class AuditTrailH2Test extends AuditTrailContract implements TestDatabase.OnH2 {
}
