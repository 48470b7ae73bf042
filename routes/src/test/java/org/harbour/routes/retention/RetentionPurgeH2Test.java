package org.harbour.routes.retention;

import org.harbour.routes.TestDatabase;

/** Retention on H2, the embedded default. */
class RetentionPurgeH2Test extends RetentionPurgeContract implements TestDatabase.OnH2 {
}
