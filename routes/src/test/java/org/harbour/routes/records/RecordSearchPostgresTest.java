package org.harbour.routes.records;

import org.harbour.routes.TestDatabase;

/** Token search on PostgreSQL, the production database. */
class RecordSearchPostgresTest extends RecordSearchContract implements TestDatabase.OnPostgres {
}
