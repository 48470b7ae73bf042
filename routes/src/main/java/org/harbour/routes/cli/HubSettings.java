package org.harbour.routes.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * The hub's configuration as the command-line tools read it: the same property names, files and
 * environment variables the hub itself is started with, in Spring Boot's order (system
 * properties, then environment variables with relaxed names such as {@code HARBOUR_DATA_DIR},
 * then {@code config/application[-profile].yaml} and {@code application[-profile].yaml} of the
 * working directory, then the defaults built into the jar; profiles from
 * {@code spring.profiles.active}). So {@code audit verify} opens the database the hub uses and
 * {@code convert} reads timestamps in the zones the hub would.
 */
public final class HubSettings {

    private final Binder binder;

    private HubSettings(StandardEnvironment environment) {
        this.binder = new Binder(ConfigurationPropertySources.from(environment.getPropertySources()),
                new PropertySourcesPlaceholdersResolver(environment));
    }

    /** As the hub started from this working directory with this environment would see it. */
    public static HubSettings load(Path workingDirectory, Map<String, String> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.copyOf(variables)));
        List<PropertySource<?>> base = new ArrayList<>();
        base.addAll(yaml(new FileSystemResource(workingDirectory.resolve("config/application.yaml"))));
        base.addAll(yaml(new FileSystemResource(workingDirectory.resolve("application.yaml"))));
        base.addAll(yaml(new ClassPathResource("application.yaml")));
        base.forEach(sources::addLast);
        HubSettings plain = new HubSettings(environment);
        String profiles = plain.get("spring.profiles.active").orElse("");
        // a profile's files come before the plain ones, the working directory's before the jar's
        String before = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
        for (String profile : profiles.split(",")) {
            if (profile.isBlank()) {
                continue;
            }
            String file = "application-" + profile.trim() + ".yaml";
            List<PropertySource<?>> found = new ArrayList<>();
            found.addAll(yaml(new FileSystemResource(workingDirectory.resolve("config").resolve(file))));
            found.addAll(yaml(new FileSystemResource(workingDirectory.resolve(file))));
            found.addAll(yaml(new ClassPathResource(file)));
            for (PropertySource<?> source : found) {
                sources.addAfter(before, source);
                before = source.getName();
            }
        }
        return new HubSettings(environment);
    }

    /** The working directory and environment of this process. */
    public static HubSettings ofThisProcess() {
        return load(Path.of("").toAbsolutePath(), System.getenv());
    }

    private static List<PropertySource<?>> yaml(Resource resource) {
        if (!resource.exists()) {
            return List.of();
        }
        try {
            return new YamlPropertySourceLoader().load(resource.getDescription(), resource);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource.getDescription() + ": " + e.getMessage(), e);
        }
    }

    /** A property by its name ({@code harbour.data-dir}), placeholders resolved. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(binder.bind(name, String.class).orElse(null)).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    /** A map property ({@code harbour.translation.timezones}); empty when unset. */
    public Map<String, String> map(String name) {
        return binder.bind(name, Bindable.mapOf(String.class, String.class)).orElse(Map.of());
    }

    /** A group of properties bound to its type, as the hub binds it ({@code harbour.translation}). */
    public <T> T bind(String name, Class<T> type) {
        return binder.bindOrCreate(name, Bindable.of(type));
    }

    public Path dataDir() {
        return Path.of(get("harbour.data-dir", "./data"));
    }

    /** The database the hub uses (for H2: never created here when missing). */
    public String databaseUrl() {
        String url = get("spring.datasource.url").orElseThrow(() ->
                new IllegalStateException("spring.datasource.url is not set"));
        return url.startsWith("jdbc:h2:") && !url.contains("IFEXISTS") ? url + ";IFEXISTS=TRUE" : url;
    }

    public String databaseUser() {
        return get("spring.datasource.username", "");
    }

    public String databasePassword() {
        return get("spring.datasource.password", "");
    }

    /** Where the running hub answers HTTP on this machine. */
    public String hubUrl() {
        boolean tls = Boolean.parseBoolean(get("server.ssl.enabled", "false"));
        return (tls ? "https" : "http") + "://127.0.0.1:" + get("server.port", "8080");
    }

    /** The API's static token: {@code harbour.api.token}, else the one the hub wrote to its data directory. */
    public Optional<String> apiToken() {
        Optional<String> configured = get("harbour.api.token");
        if (configured.isPresent()) {
            return configured;
        }
        Path file = dataDir().resolve("api-token");
        try {
            return Files.isReadable(file) ? Optional.of(Files.readString(file).trim()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
