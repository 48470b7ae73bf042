package org.harbour.routes.dedup;

import org.harbour.routes.TestDatabase;

/** Repeated-test rules on PostgreSQL, for real (a fresh schema on the local server). */
class RepeatTestsPostgresTest extends RepeatTestsContract implements TestDatabase.OnPostgres {
}
