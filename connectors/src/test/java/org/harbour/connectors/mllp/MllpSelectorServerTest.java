package org.harbour.connectors.mllp;

class MllpSelectorServerTest extends MllpServerTest {

    @Override
    int ioThreads() {
        return 2;
    }
}
