package org.harbour.routes.records;

import org.harbour.routes.TestDatabase;

/** Key rotation and re-sealing on H2, the embedded default. */
class ResealingH2Test extends ResealingContract implements TestDatabase.OnH2 {
}
