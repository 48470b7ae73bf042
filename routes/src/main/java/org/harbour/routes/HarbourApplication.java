package org.harbour.routes;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The hub: Spring Boot application hosting the Camel stages, stores and HTTP API. */
@SpringBootApplication
public class HarbourApplication {
}
