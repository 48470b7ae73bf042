package org.harbour.routes.disclose;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.RequiredParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A hospital's FHIR R4 server for the tests: HAPI FHIR's own RestfulServer (its parsing, its
 * REST layer, its error answers) in an embedded Tomcat, storing in memory what it receives. It
 * takes transactions of PUTs (a conditional one on {@code Patient?identifier=}, others by id),
 * resolves references to the transaction's entries, answers reads and searches (Patient by
 * identifier, Observation by patient), and refuses with 422 a patient whose family name is
 * REFUSED.
 */
final class HospitalFhirServer implements AutoCloseable {

    final Map<String, Map<String, Resource>> stored = new ConcurrentHashMap<>();
    /** The Authorization header of each transaction received. */
    final List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Tomcat tomcat = new Tomcat();
    private final int port;

    HospitalFhirServer() throws Exception {
        tomcat.setPort(0);
        tomcat.setBaseDir(java.nio.file.Files.createTempDirectory("hospital-fhir-").toString());
        Context context = tomcat.addContext("", null);
        RestfulServer server = new RestfulServer(FhirContext.forR4Cached());
        server.setResourceProviders(new Patients(), new Observations());
        server.registerProvider(new Transactions());
        Tomcat.addServlet(context, "fhir", server).setLoadOnStartup(1);
        context.addServletMappingDecoded("/fhir/*", "fhir");
        tomcat.getConnector();
        tomcat.start();
        this.port = tomcat.getConnector().getLocalPort();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    int count(String type) {
        return stored.getOrDefault(type, Map.of()).size();
    }

    private Map<String, Resource> of(String type) {
        return stored.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    public final class Patients implements IResourceProvider {
        @Override
        public Class<? extends IBaseResource> getResourceType() {
            return Patient.class;
        }

        @Read
        public Patient read(@IdParam IdType id) {
            return (Patient) of("Patient").get(id.getIdPart());
        }

        @Search
        public List<Patient> byIdentifier(@RequiredParam(name = Patient.SP_IDENTIFIER) TokenParam identifier) {
            return of("Patient").values().stream().map(Patient.class::cast).filter(p -> p.getIdentifier().stream()
                    .anyMatch(i -> i.getValue().equals(identifier.getValue()) && (identifier.getSystem() == null
                            || identifier.getSystem().equals(i.getSystem())))).toList();
        }
    }

    public final class Observations implements IResourceProvider {
        @Override
        public Class<? extends IBaseResource> getResourceType() {
            return Observation.class;
        }

        @Search
        public List<Observation> byPatient(@RequiredParam(name = Observation.SP_PATIENT) ReferenceParam patient) {
            return of("Observation").values().stream().map(Observation.class::cast)
                    .filter(o -> ("Patient/" + patient.getIdPart()).equals(o.getSubject().getReference())).toList();
        }
    }

    public final class Transactions {
        @Transaction
        public Bundle transaction(@TransactionParam Bundle in, jakarta.servlet.http.HttpServletRequest request) {
            authorizations.add(String.valueOf(request.getHeader("Authorization")));
            Map<String, String> assigned = new java.util.HashMap<>();
            List<Resource> written = new ArrayList<>();
            Bundle out = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
            for (Bundle.BundleEntryComponent e : in.getEntry()) {
                if (e.getRequest().getMethod() != Bundle.HTTPVerb.PUT) {
                    throw new InvalidRequestException("this server takes PUTs only");
                }
                Resource r = e.getResource();
                String url = e.getRequest().getUrl();
                String id;
                if (url.startsWith("Patient?identifier=")) {
                    if (r instanceof Patient p && "REFUSED".equals(p.getNameFirstRep().getFamily())) {
                        throw new UnprocessableEntityException("patient not known at this hospital");
                    }
                    String[] token = url.substring("Patient?identifier=".length()).split("\\|", 2);
                    id = of("Patient").values().stream().map(Patient.class::cast).filter(p -> p.getIdentifier().stream()
                            .anyMatch(i -> token[0].equals(i.getSystem()) && token[1].equals(i.getValue())))
                            .map(p -> p.getIdElement().getIdPart()).findFirst().orElse("p-" + UUID.randomUUID());
                } else {
                    id = url.substring(url.indexOf('/') + 1);
                }
                r.setId(r.fhirType() + "/" + id);
                assigned.put(e.getFullUrl(), r.fhirType() + "/" + id);
                written.add(r);
                out.addEntry().getResponse().setStatus("200 OK").setLocation(r.fhirType() + "/" + id);
            }
            for (Resource r : written) {
                r.children().forEach(c -> c.getValues().forEach(v -> resolve(v, assigned)));
                of(r.fhirType()).put(r.getIdElement().getIdPart(), r);
            }
            return out;
        }

        private void resolve(Base value, Map<String, String> assigned) {
            if (value instanceof Reference ref && ref.hasReference() && assigned.containsKey(ref.getReference())) {
                ref.setReference(assigned.get(ref.getReference()));
                return;
            }
            value.children().forEach(c -> c.getValues().forEach(v -> resolve(v, assigned)));
        }
    }
}
