package org.harbour.routes.dedup;

import org.harbour.routes.TestDatabase;

/** Repeated results on H2, the embedded default. */
class RepeatedResultsH2Test extends RepeatedResultsContract implements TestDatabase.OnH2 {
}
