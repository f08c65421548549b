package io.redisha.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that needs root and host programs (network namespaces, keepalived, redis-server).
 * Outside CI a missing requirement skips the test with a printed reason; in CI ({@code CI=true}) it
 * fails the test, so nothing that CI should prove is silently skipped.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresHostCondition.class)
public @interface RequiresHost {
  /** Programs that must be on the PATH, for example {@code keepalived}. */
  String[] tools() default {};

  /** Whether the test needs root (network namespaces, raw sockets). */
  boolean root() default true;
}
