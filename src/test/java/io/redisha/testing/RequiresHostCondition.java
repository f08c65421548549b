package io.redisha.testing;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link RequiresHost}: skip with a reason outside CI, fail inside CI. */
public final class RequiresHostCondition implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<RequiresHost> annotation =
        context
            .getElement()
            .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresHost.class))
            .or(
                () ->
                    context
                        .getTestClass()
                        .flatMap(c -> AnnotationSupport.findAnnotation(c, RequiresHost.class)));
    if (annotation.isEmpty()) {
      return ConditionEvaluationResult.enabled("no host requirements");
    }
    List<String> missing = missing(annotation.get());
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled("host requirements met");
    }
    String reason = "needs " + String.join(", ", missing);
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(
          "CI must run " + context.getDisplayName() + " but it " + reason);
    }
    System.out.println("SKIPPED " + context.getDisplayName() + ": " + reason);
    return ConditionEvaluationResult.disabled(reason);
  }

  static List<String> missing(RequiresHost requirement) {
    List<String> missing = new ArrayList<>();
    if (requirement.root() && !isRoot()) {
      missing.add("root");
    }
    for (String tool : requirement.tools()) {
      if (!onPath(tool)) {
        missing.add(tool + " on the PATH");
      }
    }
    return missing;
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && new File(dir, tool).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
