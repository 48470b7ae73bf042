package org.harbour.connectors.mllp.camel;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;
import org.harbour.connectors.mllp.MllpServerConfig;

/** A consumer-only endpoint: one MLLP listener. */
public final class MllpListenerEndpoint extends DefaultEndpoint {

    private final MllpServerConfig config;

    MllpListenerEndpoint(String uri, MllpListenerComponent component, MllpServerConfig config) {
        super(uri, component);
        this.config = config;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("harbour-mllp endpoints only receive; use MllpClient to send");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        MllpListenerConsumer consumer = new MllpListenerConsumer(this, processor, config);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public boolean isSingleton() {
        return true;
    }
}
