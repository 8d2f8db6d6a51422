package dev.updater.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The layers of the toolchain, lowest first: {@code manifest-schema} ({@code dev.updater.schema}) <
 * {@code registry-adapter} ({@code dev.updater.registry}) < the engines (delta, install, publish, pull, release,
 * rollout, signing, tuf) < {@code cli}. A lower layer never knows a higher one, so an engine can be used (and tested) as a
 * library and the CLI stays a thin shell around it.
 *
 * <p>The rules look at main classes of all three modules (this module's test class path holds the other two).
 * Tests may drive the CLI from any package: they are not imported.
 */
@AnalyzeClasses(packages = "dev.updater", importOptions = LayeringTest.MainClassesOnly.class)
class LayeringTest {
    private static final String SCHEMA = "dev.updater.schema..";
    private static final String REGISTRY = "dev.updater.registry..";
    private static final String CLI = "dev.updater.cli..";
    private static final String PUBLISH = "dev.updater.publish..";
    private static final String PULL = "dev.updater.pull..";
    private static final String[] ENGINES = {"dev.updater.delta..", "dev.updater.install..", PUBLISH, PULL,
        "dev.updater.release..", "dev.updater.rollout..", "dev.updater.signing..", "dev.updater.tuf.."};
    private static final String OURS = "dev.updater..";

    /**
     * Local I/O failures are typed (LocalFileException, exit 7), so none reaches Main as a bare UncheckedIOException
     * (exit 1, "a bug"). The exceptions: serialising an in-memory JSON tree, and resources inside our own jar (build
     * info, man-page generation, the start-up training run), where an I/O failure is a broken build.
     */
    @ArchTest
    static final ArchRule local_io_failures_are_typed = noClasses()
            .that().doNotHaveFullyQualifiedName("dev.updater.schema.Json")
            .and().doNotHaveFullyQualifiedName("dev.updater.cli.BuildInfo")
            .and().doNotHaveFullyQualifiedName("dev.updater.cli.ManPagesCommand")
            .and().doNotHaveFullyQualifiedName("dev.updater.cli.CdsTrainingCommand")
            .should().callConstructorWhere(com.tngtech.archunit.core.domain.JavaConstructorCall.Predicates.target(
                    com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                            com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo(
                                    java.io.UncheckedIOException.class))))
            .because("a disk that refuses us is local state (exit 7) with the path and what to do, not a bug");

    /** A new package must be placed in a layer (here and in the list above), or the rules below would miss it. */
    @ArchTest
    static final ArchRule every_package_is_in_a_layer = classes()
            .should().resideInAnyPackage(concat(ENGINES, SCHEMA, REGISTRY, CLI))
            .because("each package of ours belongs to one layer: schema < registry < engines < cli");

    @ArchTest
    static final ArchRule schema_depends_on_nothing_of_ours = noClasses()
            .that().resideInAPackage(SCHEMA)
            .should().dependOnClassesThat(resideInAPackage(OURS).and(not(resideInAPackage(SCHEMA))))
            .because("manifest-schema is the bottom layer: formats and failures only");

    @ArchTest
    static final ArchRule registry_depends_only_on_schema = noClasses()
            .that().resideInAPackage(REGISTRY)
            .should().dependOnClassesThat(resideInAPackage(OURS).and(not(resideInAnyPackage(SCHEMA, REGISTRY))))
            .because("registry-adapter stores and fetches releases; it knows nothing of what uses it");

    @ArchTest
    static final ArchRule nothing_outside_cli_depends_on_cli = noClasses()
            .that().resideOutsideOfPackage(CLI)
            .should().dependOnClassesThat().resideInAPackage(CLI)
            .because("cli is the top layer: the engines are a library, the CLI parses flags and prints");

    @ArchTest
    static final ArchRule publish_does_not_depend_on_pull = noClasses()
            .that().resideInAPackage(PUBLISH)
            .should().dependOnClassesThat().resideInAPackage(PULL)
            .because("the publisher and the device are two use cases; what both need lives in a package of its own"
                    + " (release, delta)");

    @ArchTest
    static final ArchRule packages_are_free_of_cycles = slices()
            .matching("dev.updater.(*)..")
            .should().beFreeOfCycles()
            .because("an engine package can be read, tested and changed with only the ones below it");

    @ArchTest
    static final ArchRule no_two_main_classes_share_a_simple_name = classes()
            .that().areTopLevelClasses()
            .should(haveASimpleNameNoOtherClassHas())
            .because("a name says one thing: two SigningKey classes make a reader check every import");

    private static ArchCondition<JavaClass> haveASimpleNameNoOtherClassHas() {
        return new ArchCondition<>("have a simple name no other class of ours has") {
            private Map<String, List<JavaClass>> bySimpleName = Map.of();

            @Override
            public void init(Collection<JavaClass> allClasses) {
                bySimpleName = allClasses.stream().collect(Collectors.groupingBy(JavaClass::getSimpleName));
            }

            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                TreeSet<String> others = bySimpleName.getOrDefault(javaClass.getSimpleName(), List.of()).stream()
                        .filter(other -> !other.equals(javaClass))
                        .map(JavaClass::getName)
                        .collect(Collectors.toCollection(TreeSet::new));
                boolean unique = others.isEmpty();
                String message = unique
                        ? javaClass.getName() + " has a name of its own"
                        : javaClass.getName() + " shares its simple name with " + String.join(", ", others);
                events.add(new SimpleConditionEvent(javaClass, unique, message));
            }
        };
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    /**
     * Main classes only, whether they come from a {@code target/classes} directory ({@code mvn test}) or a module
     * jar ({@code mvn verify}); registry-adapter's test jar is on the class path too and is left out.
     */
    public static final class MainClassesOnly implements ImportOption {
        private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar!/.*");
        private final ImportOption notTests = new DoNotIncludeTests();

        @Override
        public boolean includes(Location location) {
            return notTests.includes(location) && !location.matches(TEST_JAR);
        }
    }
}
