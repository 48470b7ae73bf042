package org.harbour.routes.dedup;

import org.harbour.routes.TestDatabase;

/** Repeated results on PostgreSQL, for real (a fresh schema on the local server). */
class RepeatedResultsPostgresTest extends RepeatedResultsContract implements TestDatabase.OnPostgres {
}
