package org.harbour.routes.dedup;

import org.harbour.routes.TestDatabase;

/** Lab history on PostgreSQL, for real (a fresh schema on the local server). */
class LabHistoryPostgresTest extends LabHistoryContract implements TestDatabase.OnPostgres {
}
