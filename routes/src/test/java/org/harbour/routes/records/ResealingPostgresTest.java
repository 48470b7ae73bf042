package org.harbour.routes.records;

import org.harbour.routes.TestDatabase;

/** Key rotation and re-sealing on PostgreSQL, for real (a fresh schema on the local server). */
class ResealingPostgresTest extends ResealingContract implements TestDatabase.OnPostgres {
}
