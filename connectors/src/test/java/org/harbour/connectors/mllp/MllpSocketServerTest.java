package org.harbour.connectors.mllp;

class MllpSocketServerTest extends MllpServerTest {

    @Override
    int ioThreads() {
        return 0;
    }
}
