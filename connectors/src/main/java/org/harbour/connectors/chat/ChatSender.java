package org.harbour.connectors.chat;

/** Sends notifications to one endpoint (one robot, one webhook). Implementations are thread-safe. */
public interface ChatSender {

    /** Sends one message; blocks while a rate limit asks it to wait. Never throws for the service's answers. */
    SendResult send(ChatMessage message) throws InterruptedException;
}
