package org.harbour.routes.store;

import org.harbour.routes.TestDatabase;

/**
 * The message store on PostgreSQL, the production database, for real: each test migrates a
 * fresh schema on the local server ({@link TestPostgres}).
 */
class MessageStorePostgresTest extends MessageStoreContract implements TestDatabase.OnPostgres {
}
