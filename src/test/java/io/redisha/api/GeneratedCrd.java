package io.redisha.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Generates the RedisHAPair CRD from the Java classes, and knows where the committed copies are.
 */
public final class GeneratedCrd {
  private GeneratedCrd() {}

  public static final String FILE_NAME = "redishapairs.redisha.io-v1.yml";

  /** Every committed copy of the CRD; each must equal the generated one. */
  public static final List<Path> COMMITTED_COPIES =
      List.of(
          Path.of("crds", FILE_NAME),
          Path.of("charts", "redisha", "crds", FILE_NAME),
          Path.of("deploy", "000-CustomResourceDefinition-redishapairs.redisha.io.yaml"));

  /** The CRD as the generator writes it today. */
  public static String generate() {
    try {
      Path dir = Files.createTempDirectory("redisha-crd");
      new CRDGenerator()
          .customResourceClasses(RedisHAPair.class)
          .forCRDVersions("v1")
          .withParallelGenerationEnabled(false)
          .withMinQuotes(true)
          .withPostProcessor(
              new CRDPostProcessor() {
                @Override
                public HasMetadata process(HasMetadata crd, String version) {
                  return printerColumnsInDeclarationOrder(crd);
                }
              })
          .inOutputDir(dir.toFile())
          .generate();
      Path file = dir.resolve(FILE_NAME);
      String yaml = Files.readString(file);
      Files.delete(file);
      Files.delete(dir);
      return yaml;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The generator sorts printer columns by JSON path; kubectl shows them in CRD order, so put them
   * back in the order the annotations declare (Age last among the default columns).
   */
  private static HasMetadata printerColumnsInDeclarationOrder(HasMetadata crd) {
    List<String> order =
        Arrays.stream(RedisHAPair.class.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (CustomResourceDefinitionVersion v :
        ((CustomResourceDefinition) crd).getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns =
          new ArrayList<>(v.getAdditionalPrinterColumns());
      columns.sort(Comparator.comparingInt(c -> order.indexOf(c.getName())));
      v.setAdditionalPrinterColumns(columns);
    }
    return crd;
  }

  /** The committed CRD, read from crds/ (what tests apply to the mock API server). */
  public static String committed() {
    try {
      return Files.readString(COMMITTED_COPIES.getFirst());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
