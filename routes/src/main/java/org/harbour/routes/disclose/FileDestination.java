package org.harbour.routes.disclose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.harbour.connectors.chat.SendResult;
import org.harbour.routes.config.HarbourProperties;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * A folder another system collects HL7 v2 files from ({@code endpoint.type: file},
 * {@code endpoint.path}): each delivery one file, named by its control id, written under a
 * temporary name and then renamed, so a reader never sees half a file; a resend of the same
 * delivery writes the same name again (the same content). The message is made as for an MLLP
 * destination (version, charset, the same refusal of a character the charset cannot hold).
 */
public final class FileDestination {

    private final String id;
    private final Path folder;
    private final MllpDestination writer;

    FileDestination(String id, HarbourProperties.Endpoint endpoint, MllpDestination writer) {
        this.id = id;
        this.folder = Path.of(endpoint.path());
        this.writer = writer;
    }

    public SendResult send(String deliveryId, Patient patient, List<Resource> records) {
        MllpDestination.Encoded encoded = writer.encode(deliveryId, patient, records);
        if (encoded.refused() != null) {
            return encoded.refused();
        }
        byte[] bytes = encoded.bytes();
        String name = encoded.message().controlId() + ".hl7";
        try {
            Files.createDirectories(folder);
            Path temporary = folder.resolve("." + name + ".tmp");
            Files.write(temporary, bytes);
            Files.move(temporary, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new SendResult.Delivered(200, "written " + name);
        } catch (IOException e) {
            return new SendResult.RetryLater(id + ": cannot write to " + folder + ": " + e.getMessage(), null);
        }
    }
}
