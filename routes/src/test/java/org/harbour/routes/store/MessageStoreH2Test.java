package org.harbour.routes.store;

import org.harbour.routes.TestDatabase;

/** The message store on H2, the embedded default (file mode as in the hub, in PostgreSQL mode). */
class MessageStoreH2Test extends MessageStoreContract implements TestDatabase.OnH2 {
}
