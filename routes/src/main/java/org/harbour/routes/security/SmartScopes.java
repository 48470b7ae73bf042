package org.harbour.routes.security;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a set of OAuth2 scopes in the SMART on FHIR style allows. Both grammars are read:
 * SMART v1 ({@code system/Observation.read}, {@code user/*.write}, {@code system/*.*}) and
 * SMART v2 ({@code system/Observation.rs}, {@code user/Consent.cud}). {@code user/} and
 * {@code system/} scopes grant by resource type; {@code patient/} scopes need a launch
 * context this hub does not serve, so they grant nothing. Harbour's own scopes are
 * {@code harbour/messages.read} (the operator message store) and the admin scope.
 */
public final class SmartScopes {

    /** What a request does to a resource type. */
    public enum Access { READ, WRITE }

    /** Where a request needs one of Harbour's own scopes instead of a resource type. */
    public static final String MESSAGES_READ = "harbour/messages.read";

    private static final Pattern SMART = Pattern.compile("(patient|user|system)/([A-Za-z]+|\\*)\\.([a-z*]+)");

    private record Grant(String type, boolean read, boolean write) {
    }

    private final List<String> scopes;
    private final List<Grant> grants;
    private final String adminScope;

    public SmartScopes(Collection<String> scopes, String adminScope) {
        this.scopes = List.copyOf(scopes);
        this.adminScope = Objects.requireNonNull(adminScope);
        this.grants = this.scopes.stream().map(SmartScopes::grant).filter(Objects::nonNull).toList();
    }

    private static Grant grant(String scope) {
        Matcher m = SMART.matcher(scope);
        if (!m.matches() || m.group(1).equals("patient")) {
            return null;
        }
        String permission = m.group(3).toLowerCase(Locale.ROOT);
        boolean read;
        boolean write;
        switch (permission) {
            case "*" -> {
                read = true;
                write = true;
            }
            case "read" -> {
                read = true;
                write = false;
            }
            case "write" -> {
                read = false;
                write = true;
            }
            default -> {
                if (!permission.matches("c?r?u?d?s?")) {
                    return null;
                }
                // SMART v2: read and search together are "read"; create, update and delete together are "write"
                read = permission.contains("r") && permission.contains("s");
                write = permission.contains("c") && permission.contains("u");
            }
        }
        return new Grant(m.group(2), read, write);
    }

    /** Whether these scopes allow {@code access} to resources of {@code type} (any type when {@code "*"}). */
    public boolean allows(String type, Access access) {
        for (Grant g : grants) {
            boolean typeOk = g.type.equals("*") || g.type.equals(type);
            if (typeOk && (access == Access.READ ? g.read : g.write)) {
                return true;
            }
        }
        return false;
    }

    /** Whether these scopes allow reading every resource type (what raw messages carry). */
    public boolean allowsEverything(Access access) {
        return grants.stream().anyMatch(g -> g.type.equals("*") && (access == Access.READ ? g.read : g.write));
    }

    public boolean has(String scope) {
        return scopes.contains(scope);
    }

    public boolean admin() {
        return scopes.contains(adminScope);
    }

    public List<String> scopes() {
        return scopes;
    }
}
