package dev.cordon.report;

import io.qameta.allure.listener.ContainerLifecycleListener;
import io.qameta.allure.listener.TestLifecycleListener;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.FixtureResult;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.model.TestResultContainer;

import java.util.List;
import java.util.Set;

/**
 * Rewrites every result just before Allure writes it, so nothing from the target reaches the report as live markup:
 * status messages and traces (which the report renders as HTML, e.g. a failed check's message naming the ids it saw)
 * are HTML-escaped, and names, parameters and attachment names lose their control and format characters.
 * Attachments may only be text, JSON, CSV or images: anything the report would render as a page (text/html, SVG)
 * is relabelled text/plain. Registered through META-INF/services, so the Cucumber plugin's results pass through it.
 */
public final class AllureSanitizer implements TestLifecycleListener, ContainerLifecycleListener {
    /** Attachment types the report shows as text, code, a table or a picture, never as a document of its own. */
    static final Set<String> INERT_TYPES = Set.of("text/plain", "application/json", "text/csv", "text/tab-separated-values",
            "image/png", "image/jpeg", "image/gif", "image/webp");

    @Override
    public void beforeTestWrite(TestResult result) {
        result.setName(AllureText.plain(result.getName()));
        result.setStatusDetails(details(result.getStatusDetails()));
        // A description written as markdown becomes raw HTML in the report; descriptionHtml is inserted as is.
        result.setDescription(AllureText.markup(result.getDescription()));
        result.setDescriptionHtml(AllureText.markup(result.getDescriptionHtml()));
        parameters(result.getParameters());
        attachments(result.getAttachments());
        steps(result.getSteps());
    }

    @Override
    public void beforeContainerWrite(TestResultContainer container) {
        container.setName(AllureText.plain(container.getName()));
        container.setDescription(AllureText.markup(container.getDescription()));
        container.setDescriptionHtml(AllureText.markup(container.getDescriptionHtml()));
        fixtures(container.getBefores());
        fixtures(container.getAfters());
    }

    private static void fixtures(List<FixtureResult> fixtures) {
        if (fixtures == null) {
            return;
        }
        for (FixtureResult fixture : fixtures) {
            fixture.setName(AllureText.plain(fixture.getName()));
            fixture.setStatusDetails(details(fixture.getStatusDetails()));
            fixture.setDescription(AllureText.markup(fixture.getDescription()));
            fixture.setDescriptionHtml(AllureText.markup(fixture.getDescriptionHtml()));
            parameters(fixture.getParameters());
            attachments(fixture.getAttachments());
            steps(fixture.getSteps());
        }
    }

    private static void steps(List<StepResult> steps) {
        if (steps == null) {
            return;
        }
        for (StepResult step : steps) {
            step.setName(AllureText.plain(step.getName()));
            step.setStatusDetails(details(step.getStatusDetails()));
            step.setDescription(AllureText.markup(step.getDescription()));
            step.setDescriptionHtml(AllureText.markup(step.getDescriptionHtml()));
            parameters(step.getParameters());
            attachments(step.getAttachments());
            steps(step.getSteps());
        }
    }

    static StatusDetails details(StatusDetails details) {
        if (details == null) {
            return null;
        }
        details.setMessage(AllureText.markup(details.getMessage()));
        details.setTrace(AllureText.markup(details.getTrace()));
        return details;
    }

    private static void parameters(List<Parameter> parameters) {
        if (parameters != null) {
            parameters.forEach(p -> p.setName(AllureText.plain(p.getName())).setValue(AllureText.plain(p.getValue())));
        }
    }

    private static void attachments(List<Attachment> attachments) {
        if (attachments == null) {
            return;
        }
        for (Attachment attachment : attachments) {
            attachment.setName(AllureText.plain(attachment.getName()));
            String type = attachment.getType();
            if (type == null || !INERT_TYPES.contains(type.toLowerCase(java.util.Locale.ROOT))) {
                attachment.setType("text/plain");
            }
        }
    }
}
