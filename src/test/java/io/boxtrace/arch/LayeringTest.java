package io.boxtrace.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/ARCHITECTURE.md, enforced: data flows one way, from the kernel's
 * events to the outputs, and a package may depend only on the layers below its own. A new package
 * must be given a layer here, so its place is a decision, not an accident.
 */
class LayeringTest {

    /** Lowest first. A layer may use itself and every layer before it. */
    static final List<String> LAYERS = List.of(
            "io.boxtrace.event",
            "io.boxtrace.internal.ffm",
            "io.boxtrace.recording",
            "io.boxtrace.source",
            "io.boxtrace.state",
            "io.boxtrace.container",
            "io.boxtrace.pipeline",
            "io.boxtrace.analysis",
            "io.boxtrace.debug",
            "io.boxtrace.render",
            "io.boxtrace.sink",
            "io.boxtrace.cli");

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.boxtrace");
    }

    @Test
    void everyPackageHasALayer() {
        Set<String> unplaced = new TreeSet<>();
        for (JavaClass c : classes) {
            if (layerOf(c.getPackageName()) < 0) {
                unplaced.add(c.getPackageName());
            }
        }
        assertThat(unplaced).as("packages with no layer in LayeringTest.LAYERS").isEmpty();
    }

    @Test
    void noLayerDependsOnAHigherOne() {
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            String[] higher = LAYERS.subList(i + 1, LAYERS.size()).stream().map(p -> p + "..").toArray(String[]::new);
            EvaluationResult r = noClasses().that().resideInAPackage(LAYERS.get(i) + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(higher)
                    .evaluate(classes);
            violations.addAll(r.getFailureReport().getDetails());
        }
        assertThat(violations).as("dependencies against the flow " + String.join(" <- ", LAYERS)).isEmpty();
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.boxtrace.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void analysesNeverWrite() {
        noClasses().that().resideInAPackage("io.boxtrace.analysis..")
                .should().dependOnClassesThat().resideInAnyPackage("io.boxtrace.render..", "io.boxtrace.sink..")
                .because("analyses return values; renderers and sinks write them")
                .check(classes);
    }

    @Test
    void nativeCodeStaysInOnePackage() {
        noClasses().that().resideOutsideOfPackage("io.boxtrace.internal.ffm..")
                .should().dependOnClassesThat().resideInAPackage("java.lang.foreign..")
                .check(classes);
    }

    /** Index of the layer holding pkg (the longest matching prefix), or -1. */
    static int layerOf(String pkg) {
        int best = -1;
        int bestLen = -1;
        for (int i = 0; i < LAYERS.size(); i++) {
            String l = LAYERS.get(i);
            if ((pkg.equals(l) || pkg.startsWith(l + ".")) && l.length() > bestLen) {
                best = i;
                bestLen = l.length();
            }
        }
        return best;
    }

}
