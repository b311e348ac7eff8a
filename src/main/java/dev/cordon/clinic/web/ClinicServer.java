package dev.cordon.clinic.web;

import dev.cordon.clinic.Releases;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP side of one clinic: Javalin (Jetty) with the API, the pages and the access log. */
public final class ClinicServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClinicServer.class);
    /** Room for the other parts and the part headers of a document upload. */
    private static final int MULTIPART_OVERHEAD_BYTES = 64 * 1024;

    private final Javalin app;
    private final AccessLog accessLog;

    private ClinicServer(Javalin app, AccessLog accessLog) {
        this.app = app;
        this.accessLog = accessLog;
    }

    /** A PKCS#12 key store (key and certificate) to serve HTTPS with, instead of plain HTTP. */
    public record Tls(java.nio.file.Path keyStore, String password) { }

    /**
     * Set once by the command line's --tls before the clinic starts: this process then serves HTTPS only. A process-wide
     * switch of the clinic's own main (the embedded deployment never sets it), so the settings record stays as it is.
     */
    private static volatile Tls tls;

    public static void serveTls(Tls keyStore) { tls = keyStore; }

    /** Something served beside Javalin in the same Jetty (the FHIR face), given the access log to write to. */
    @FunctionalInterface
    public interface Mount { void mount(ServletContextHandler context, AccessLog accessLog); }

    public static ClinicServer start(Services services, String host, int port, String accessLogTarget) {
        return start(services, host, port, accessLogTarget, null);
    }

    public static ClinicServer start(Services services, String host, int port, String accessLogTarget, Mount mount) {
        AccessLog accessLog = AccessLog.to(accessLogTarget);
        Javalin app = Javalin.create(config -> {
            if (mount != null) config.jetty.modifyServletContextHandler(context -> mount.mount(context, accessLog));
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            // Upload limits (documents, 2.1.0): the parser stops at the document limit; DocumentApi checks it again.
            config.jetty.multipartConfig.maxFileSize(DocumentApi.MAX_DOCUMENT_BYTES, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(DocumentApi.MAX_DOCUMENT_BYTES + MULTIPART_OVERHEAD_BYTES, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(DocumentApi.MAX_DOCUMENT_BYTES + MULTIPART_OVERHEAD_BYTES, SizeUnit.BYTES);
            Tls https = tls;
            if (https != null) {
                config.jetty.addConnector((server, http) -> {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStoreType("PKCS12");
                    ssl.setKeyStorePath(https.keyStore().toString());
                    ssl.setKeyStorePassword(https.password());
                    HttpConfiguration secure = new HttpConfiguration(http);
                    secure.addCustomizer(new SecureRequestCustomizer(false)); // clients name 127.0.0.1, which SNI cannot carry
                    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(secure));
                    connector.setHost(host);
                    connector.setPort(port);
                    return connector; // Javalin adds its plain connector only when there is none
                });
            }
            config.requestLogger.http((ctx, ms) ->
                    accessLog.record(ctx.method().name(), ctx.path(), ctx.statusCode(), Math.round(ms)));
        });
        app.get("/health", ctx -> Http.json(services, ctx, 200, Http.map("status", "UP", "release", services.release())));
        app.get("/api/version", ctx -> Http.json(services, ctx, 200, Http.map("release", services.release())));
        new OperatorApi(services).register(app);
        new PatientApi(services).register(app);
        if (Releases.hasDocuments(services.release())) {
            // Unknown routes (404) on older releases.
            new SignupApi(services).register(app);
            new DocumentApi(services).register(app);
        }
        if (Releases.hasCareRecords(services.release())) {
            new CareRecordApi(services).register(app);
            new ConsultationApi(services).register(app);
        }
        new Pages(services).register(app);

        app.exception(ApiError.class, (e, ctx) -> Http.json(services, ctx, e.status(), Http.map("error", e.getMessage())));
        app.exception(HttpResponseException.class, (e, ctx) -> failure(services, ctx, e.getStatus(),
                e.getStatus() == 404 ? "not found" : e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("request {} {} failed", ctx.method(), ctx.path(), e);
            failure(services, ctx, 500, "internal error");
        });
        try {
            app.start(host, port);
        } catch (RuntimeException e) {
            accessLog.close();
            throw e;
        }
        return new ClinicServer(app, accessLog);
    }

    private static void failure(Services services, Context ctx, int status, String message) {
        if (ctx.path().startsWith("/api/") || ctx.path().equals("/health")) {
            Http.json(services, ctx, status, Http.map("error", message));
        } else {
            ctx.status(status).html(Html.page("Error", "<h1>" + status + "</h1><p class=\"error\">" + Html.esc(message) + "</p>"));
        }
    }

    public int port() { return app.port(); }

    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            accessLog.close();
        }
    }
}
