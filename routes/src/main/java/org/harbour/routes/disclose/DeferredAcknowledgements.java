package org.harbour.routes.disclose;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.springframework.util.ClassUtils;

/**
 * The connection factory of the deliver routes: its sessions acknowledge one message at a time
 * (Artemis's individual acknowledgement), and a listener container's own call to
 * {@link Message#acknowledge()} (made as soon as the route returns) is ignored: the deliver stage
 * acknowledges each message itself, once what its delivery recorded is committed
 * ({@link PendingAcknowledgements}). A session's {@link Session#recover()} (after a failed
 * delivery) first waits for those pending commits, so a message is never delivered again while
 * its first receipt is still on its way.
 */
final class DeferredAcknowledgements {

    /** Implemented by the messages handed out: the broker's own message, to acknowledge. */
    interface Deferred {
        Message acknowledgeable();
    }

    private DeferredAcknowledgements() {
    }

    static ConnectionFactory wrap(ConnectionFactory factory, PendingAcknowledgements pending) {
        return proxy(factory, ConnectionFactory.class, (target, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof Connection c ? connection(c, pending) : result;
        });
    }

    private static Connection connection(Connection connection, PendingAcknowledgements pending) {
        return proxy(connection, Connection.class, (target, method, args) -> {
            if (method.getName().equals("createSession")) {
                // not transacted, one message at a time: acknowledging one never acknowledges another
                return session(connection.createSession(false, org.apache.activemq.artemis.api.jms.ActiveMQJMSConstants
                        .INDIVIDUAL_ACKNOWLEDGE), pending);
            }
            return invoke(target, method, args);
        });
    }

    private static Session session(Session session, PendingAcknowledgements pending) {
        Session[] self = new Session[1];
        self[0] = proxy(session, Session.class, (target, method, args) -> {
            if (method.getName().equals("recover")) {
                pending.recovering(self[0]);
            }
            Object result = invoke(target, method, args);
            return result instanceof MessageConsumer c ? consumer(c) : result;
        });
        return self[0];
    }

    private static MessageConsumer consumer(MessageConsumer consumer) {
        return proxy(consumer, MessageConsumer.class, (target, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof Message m ? message(m) : result;
        });
    }

    /** Per message class, the interfaces its stand-in implements (worked out once, not per message). */
    private static final ClassValue<Class<?>[]> INTERFACES = new ClassValue<>() {
        @Override
        protected Class<?>[] computeValue(Class<?> type) {
            Class<?>[] types = ClassUtils.getAllInterfacesForClass(type);
            Class<?>[] all = java.util.Arrays.copyOf(types, types.length + 1);
            all[types.length] = Deferred.class;
            return all;
        }
    };

    private static Message message(Message message) {
        return (Message) Proxy.newProxyInstance(DeferredAcknowledgements.class.getClassLoader(),
                INTERFACES.get(message.getClass()),
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Deferred.class) {
                        return message;
                    }
                    if (method.getName().equals("acknowledge") && method.getParameterCount() == 0) {
                        return null;
                    }
                    return invoke(message, method, args);
                });
    }

    /** The broker's message behind one handed out here (or the message itself). */
    static Message acknowledgeable(Message message) {
        return message instanceof Deferred d ? d.acknowledgeable() : message;
    }

    private interface Handler<T> {
        Object handle(T target, Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(T target, Class<T> type, Handler<T> handler) {
        InvocationHandler h = (proxy, method, args) -> handler.handle(target, method, args);
        return type.cast(Proxy.newProxyInstance(DeferredAcknowledgements.class.getClassLoader(), new Class<?>[] {type}, h));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
