package org.harbour.routes.audit;

import org.harbour.routes.TestDatabase;

/** Tamper evidence on PostgreSQL, for real (a fresh schema on the local server). */
class AuditTrailPostgresTest extends AuditTrailContract implements TestDatabase.OnPostgres {
}
