package org.harbour.routes.dedup;

import org.harbour.routes.TestDatabase;

/** Lab history on H2, the embedded default. */
class LabHistoryH2Test extends LabHistoryContract implements TestDatabase.OnH2 {
}
