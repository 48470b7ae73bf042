package org.harbour.routes.dedup;

import org.harbour.routes.TestDatabase;

/** Repeated-test rules on H2, the embedded default. */
class RepeatTestsH2Test extends RepeatTestsContract implements TestDatabase.OnH2 {
}
