package org.harbour.routes.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * What Tomcat answers itself, for a request it refuses before any servlet sees it (an encoded
 * slash, a malformed request line): the hub's error shapes instead of Tomcat's HTML page, an
 * OperationOutcome under {@code /fhir} and the API's JSON elsewhere, without the request or a
 * stack trace. Installed as the host's error report valve.
 */
public class ContainerErrorReport extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        // as sent: a request refused before decoding has no decoded form
        String uri = request.getCoyoteRequest().requestURI().toString();
        boolean fhir = uri != null && (uri.equals("/fhir") || uri.startsWith("/fhir/"));
        String reason = status == 400 ? "the request is malformed" : status >= 500
                ? "the hub could not answer; the failure is in its log" : "the request was refused";
        String body = fhir
                ? "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\""
                        + (status >= 500 ? "exception" : "invalid") + "\",\"diagnostics\":\"" + reason + "\"}]}"
                : "{\"status\":" + status + ",\"error\":\"" + phrase(status) + "\",\"message\":\"" + reason + "\"}";
        try {
            response.setContentType(fhir ? "application/fhir+json;charset=UTF-8" : "application/json;charset=UTF-8");
            OutputStream out = response.getOutputStream();
            out.write(body.getBytes(StandardCharsets.UTF_8));
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the response was committed meanwhile: nothing more to say
        }
    }

    private static String phrase(int status) {
        org.springframework.http.HttpStatus known = org.springframework.http.HttpStatus.resolve(status);
        return known == null ? "Error" : known.getReasonPhrase();
    }
}
