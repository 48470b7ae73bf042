package org.harbour.routes.records;

import org.harbour.routes.TestDatabase;

/** Token search on H2, the embedded default. */
class RecordSearchH2Test extends RecordSearchContract implements TestDatabase.OnH2 {
}
