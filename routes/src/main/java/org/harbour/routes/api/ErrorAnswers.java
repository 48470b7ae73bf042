package org.harbour.routes.api;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every error the servlet container or Spring answers (unknown paths, 405s, firewall
 * rejections, failures past the controllers) in the shape of the path it concerns: an
 * OperationOutcome under {@code /fhir}, and everywhere else the API's one error shape,
 * {@code {"status":404,"error":"Not Found","message":"…"}} ({@link #body}). The message never
 * repeats the request (its query may hold an identifier) or an exception's text. {@code /error}
 * asked for itself is a 404.
 */
@RestController
public class ErrorAnswers implements ErrorController {

    private final FhirContext fhir;

    public ErrorAnswers(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** The API's error shape. */
    public static Map<String, Object> body(HttpStatus status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.value());
        body.put("error", status.getReasonPhrase());
        body.put("message", message);
        return body;
    }

    /** The API's error answer. */
    public static ResponseEntity<Map<String, Object>> answer(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body(status, message));
    }

    @RequestMapping("/error")
    public ResponseEntity<?> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        HttpStatus status = code instanceof Integer c && HttpStatus.resolve(c) != null ? HttpStatus.resolve(c)
                : HttpStatus.NOT_FOUND;
        String path = uri == null ? "/error" : uri.toString().substring(Math.min(uri.toString().length(),
                request.getContextPath().length()));
        String message = code == null ? "no such path" : describe(status);
        if (path.equals("/fhir") || path.startsWith("/fhir/")) {
            OperationOutcome outcome = new OperationOutcome();
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(issueType(status))
                    .setDiagnostics(message);
            return ResponseEntity.status(status).contentType(FhirController.FHIR_JSON)
                    .body(fhir.newJsonParser().encodeResourceToString(outcome));
        }
        return answer(status, message);
    }

    private static String describe(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> "no such path";
            case METHOD_NOT_ALLOWED -> "this method is not allowed on this path";
            case UNSUPPORTED_MEDIA_TYPE -> "this content type is not taken here";
            case NOT_ACCEPTABLE -> "no answer in the requested format";
            case BAD_REQUEST -> "the request is malformed";
            case PAYLOAD_TOO_LARGE -> "the request is too large";
            default -> status.is5xxServerError() ? "the hub could not answer; the failure is in its log"
                    : status.getReasonPhrase();
        };
    }

    private static OperationOutcome.IssueType issueType(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> OperationOutcome.IssueType.NOTFOUND;
            case METHOD_NOT_ALLOWED, UNSUPPORTED_MEDIA_TYPE, NOT_ACCEPTABLE -> OperationOutcome.IssueType.NOTSUPPORTED;
            case PAYLOAD_TOO_LARGE -> OperationOutcome.IssueType.TOOLONG;
            case UNAUTHORIZED -> OperationOutcome.IssueType.LOGIN;
            case FORBIDDEN -> OperationOutcome.IssueType.FORBIDDEN;
            case BAD_REQUEST -> OperationOutcome.IssueType.INVALID;
            default -> status.is5xxServerError() ? OperationOutcome.IssueType.EXCEPTION
                    : OperationOutcome.IssueType.PROCESSING;
        };
    }
}
