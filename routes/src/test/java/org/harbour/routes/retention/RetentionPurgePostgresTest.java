package org.harbour.routes.retention;

import org.harbour.routes.TestDatabase;

/** Retention on PostgreSQL, for real (a fresh schema on the local server). */
class RetentionPurgePostgresTest extends RetentionPurgeContract implements TestDatabase.OnPostgres {
}
