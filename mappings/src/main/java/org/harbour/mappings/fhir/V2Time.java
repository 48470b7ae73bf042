package org.harbour.mappings.fhir;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.InstantType;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

/**
 * HL7 v2 dates and times (DT, DTM, TS) to FHIR. A value without an offset is in the configured
 * time zone (Asia/Hong_Kong by default). Partial values stay partial: {@code 1960} is a year,
 * {@code 196001} a month; a time given to the hour or minute is written to the second, as FHIR
 * requires. Text that is not a v2 date yields null (and the caller reports it).
 */
final class V2Time {

    private static final Pattern DTM = Pattern.compile(
            "(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(?:\\.(\\d{1,4}))?([+-]\\d{4})?");

    private final ZoneId zone;

    V2Time(ZoneId zone) {
        this.zone = zone;
    }

    DateTimeType dateTime(String text) {
        Matcher m = match(text);
        if (m == null) {
            return null;
        }
        if (m.group(4) == null) {
            DateType day = date(m);
            return day == null ? null : new DateTimeType(day.getValueAsString());
        }
        int year = Integer.parseInt(m.group(1));
        int month = Integer.parseInt(m.group(2));
        int day = Integer.parseInt(m.group(3));
        int hour = Integer.parseInt(m.group(4));
        int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
        int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
        int nanos = 0;
        if (m.group(7) != null) {
            String fraction = (m.group(7) + "000").substring(0, 3);
            nanos = Integer.parseInt(fraction) * 1_000_000;
        }
        LocalDateTime local = month < 1 || month > 12 ? null : safeDate(year, month, day);
        if (local == null || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        local = local.withHour(hour).withMinute(minute).withSecond(second).withNano(nanos);
        ZoneOffset offset = m.group(8) != null ? offset(m.group(8)) : zone.getRules().getOffset(local);
        if (offset == null) {
            return null;
        }
        Date instant = Date.from(local.toInstant(offset));
        DateTimeType out = new DateTimeType(instant, nanos > 0 ? TemporalPrecisionEnum.MILLI : TemporalPrecisionEnum.SECOND,
                TimeZone.getTimeZone(offset));
        return out;
    }

    /** A date only (DT, or the date part of a DTM), partial when the text is. */
    DateType date(String text) {
        return date(match(text));
    }

    private static DateType date(Matcher m) {
        if (m == null) {
            return null;
        }
        int year = Integer.parseInt(m.group(1));
        if (m.group(2) == null) {
            return new DateType(Integer.toString(year));
        }
        int month = Integer.parseInt(m.group(2));
        if (month < 1 || month > 12) {
            return null;
        }
        if (m.group(3) == null) {
            return new DateType(String.format("%04d-%02d", year, month));
        }
        int day = Integer.parseInt(m.group(3));
        return safeDate(year, month, day) == null ? null : new DateType(String.format("%04d-%02d-%02d", year, month, day));
    }

    /** An instant (needs a time to the second; a date-only value yields null). */
    InstantType instant(String text) {
        DateTimeType dt = dateTime(text);
        if (dt == null || dt.getPrecision().ordinal() < TemporalPrecisionEnum.SECOND.ordinal()) {
            return null;
        }
        return new InstantType(dt.getValue(), dt.getPrecision(), dt.getTimeZone());
    }

    private static Matcher match(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        Matcher m = DTM.matcher(text.strip());
        return m.matches() ? m : null;
    }

    private static LocalDateTime safeDate(int year, int month, int day) {
        try {
            return LocalDateTime.of(year, month, day, 0, 0);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static ZoneOffset offset(String text) {
        try {
            int hours = Integer.parseInt(text.substring(1, 3));
            int minutes = Integer.parseInt(text.substring(3, 5));
            int sign = text.charAt(0) == '-' ? -1 : 1;
            return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
