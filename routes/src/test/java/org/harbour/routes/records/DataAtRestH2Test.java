package org.harbour.routes.records;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The at-rest search on the embedded default: H2 and Artemis, both under the data directory. */
class DataAtRestH2Test extends DataAtRestContract {

    private Path dataDir;

    @Override
    Map<String, Object> hubProperties() throws Exception {
        dataDir = temporary("harbour-at-rest-");
        return Map.of("harbour.data-dir", dataDir.toString());
    }

    @Override
    List<Path> filesToSearch() {
        return List.of(dataDir);
    }
}
