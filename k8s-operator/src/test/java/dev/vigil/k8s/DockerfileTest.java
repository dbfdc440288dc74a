package dev.vigil.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The image and the manifests agree: the jar the build makes, where the image puts it, the plugin the pods enable. */
class DockerfileTest {

    static final Path DOCKERFILE = Repo.k8s().resolve("Dockerfile");

    static String read(Path file) throws IOException {
        return Files.readString(file);
    }

    static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        assertThat(m.find()).as("/%s/ in the file", regex).isTrue();
        return m.group(1);
    }

    @Test
    void buildsFromTheOfficialFlink22Java17Image() throws IOException {
        String flinkVersion = group(read(DOCKERFILE), "^FROM flink:(2\\.2\\.\\d+)-java17\\s*$");
        for (String environment : Manifests.ENVIRONMENTS) {
            for (Kustomize.Resource d : Manifests.deployments(Manifests.render(environment))) {
                assertThat(Kustomize.render(List.of(d))).as("%s enables the S3 plugin of the image's Flink", d)
                        .contains("value: flink-s3-fs-hadoop-" + flinkVersion + ".jar");
            }
        }
    }

    @Test
    void copiesTheShadedJobJarTheBuildProducesToTheJarUriOfEveryDeployment() throws IOException {
        String pom = read(Repo.root().resolve("jobs/detection/pom.xml"));
        String artifact = group(pom, "</parent>\\s*<artifactId>([^<]+)</artifactId>");
        String version = group(pom, "<parent>[\\s\\S]*?<version>([^<]+)</version>");
        String classifier = group(pom, "<shadedClassifierName>([^<]+)</shadedClassifierName>");
        String dockerfile = read(DOCKERFILE);
        assertThat(group(dockerfile, "^ARG JOB_JAR=(\\S+)$"))
                .isEqualTo("jobs/detection/target/" + artifact + "-" + version + "-" + classifier + ".jar");
        String destination = group(dockerfile, "^COPY --chown=flink:flink \\$\\{JOB_JAR} (\\S+)$");

        for (String environment : Manifests.ENVIRONMENTS) {
            for (Kustomize.Resource d : Manifests.deployments(Manifests.render(environment))) {
                assertThat(Yamls.at(d.doc(), "spec.job.jarURI")).isEqualTo("local://" + destination);
            }
        }
        assertThat(read(Repo.k8s().resolve("Dockerfile.dockerignore")))
                .contains("!jobs/detection/target/" + artifact + "-*-" + classifier + ".jar");
    }

    @Test
    void theEntryClassIsTheJarsMainClass() throws IOException {
        String mainClass = group(read(Repo.root().resolve("jobs/detection/pom.xml")), "<mainClass>([^<]+)</mainClass>");
        assertThat(mainClass).isEqualTo(DeploymentRules.ENTRY_CLASS);
        assertThat(Repo.root().resolve("jobs/detection/src/main/java/" + mainClass.replace('.', '/') + ".java")).isRegularFile();
        for (String environment : Manifests.ENVIRONMENTS) {
            Map<String, Object> job = Yamls.map(Manifests.deployments(Manifests.render(environment)).get(0).doc(), "spec.job");
            assertThat(job).containsEntry("entryClass", mainClass);
        }
    }
}
