package org.harbour.routes.api;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;

/**
 * A FHIR date search parameter as a half-open range of instants: each value is a year, month,
 * day, or date-time (local times in the hub's time zone), with an optional prefix
 * {@code eq} (default), {@code ge}, {@code gt}, {@code le}, {@code lt}; several values narrow it.
 */
public record DateRange(Instant from, Instant to) {

    public static final DateRange ALL = new DateRange(null, null);

    public static DateRange parse(List<String> values, ZoneId zone) {
        DateRange range = ALL;
        for (String value : values == null ? List.<String>of() : values) {
            range = range.and(one(value.trim(), zone));
        }
        return range;
    }

    private DateRange and(DateRange other) {
        Instant f = from == null ? other.from : other.from == null || from.isAfter(other.from) ? from : other.from;
        Instant t = to == null ? other.to : other.to == null || to.isBefore(other.to) ? to : other.to;
        return new DateRange(f, t);
    }

    private static DateRange one(String value, ZoneId zone) {
        boolean prefixed = value.length() > 2 && Character.isLetter(value.charAt(0)) && Character.isLetter(value.charAt(1))
                && Character.isDigit(value.charAt(2));
        String prefix = prefixed ? value.substring(0, 2) : "eq";
        String text = prefixed ? value.substring(2) : value;
        Instant[] span = span(text, zone);
        return switch (prefix) {
            case "eq" -> new DateRange(span[0], span[1]);
            case "ge" -> new DateRange(span[0], null);
            case "gt" -> new DateRange(span[1], null);
            case "lt" -> new DateRange(null, span[0]);
            case "le" -> new DateRange(null, span[1]);
            default -> throw new IllegalArgumentException("date prefix '" + prefix + "' is not supported; use eq, ge, gt,"
                    + " le or lt");
        };
    }

    /** The instants a date or date-time covers: [start, end). */
    private static Instant[] span(String text, ZoneId zone) {
        try {
            switch (text.length()) {
                case 4 -> {
                    Year y = Year.parse(text);
                    return new Instant[] {y.atDay(1).atStartOfDay(zone).toInstant(),
                        y.plusYears(1).atDay(1).atStartOfDay(zone).toInstant()};
                }
                case 7 -> {
                    YearMonth m = YearMonth.parse(text);
                    return new Instant[] {m.atDay(1).atStartOfDay(zone).toInstant(),
                        m.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant()};
                }
                case 10 -> {
                    LocalDate d = LocalDate.parse(text);
                    return new Instant[] {d.atStartOfDay(zone).toInstant(), d.plusDays(1).atStartOfDay(zone).toInstant()};
                }
                default -> {
                    Instant at = text.endsWith("Z") || text.matches(".*[+-]\\d{2}:\\d{2}$")
                            ? OffsetDateTime.parse(text).toInstant() : LocalDateTime.parse(text).atZone(zone).toInstant();
                    return new Instant[] {at, at.plusSeconds(1)};
                }
            }
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a FHIR date or dateTime"
                    + " (e.g. 2026-11-22 or 2026-11-22T09:30:00+08:00)");
        }
    }
}
