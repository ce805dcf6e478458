package io.kapi.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.RuntimeSchema;
import io.kubernetes.client.proto.V1;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KubeGroupFilesTest {
    private static final List<FileDescriptor> PROVIDED = List.of(V1.getDescriptor(), Meta.getDescriptor(),
            io.kubernetes.client.proto.Runtime.getDescriptor(), RuntimeSchema.getDescriptor(),
            Resource.getDescriptor(), IntStr.getDescriptor());
    private static final String META_FILE = "k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto";

    private static FileDescriptorSet resource() throws Exception {
        try (InputStream in = KubeGroupFiles.class.getResourceAsStream(KubeGroupFiles.RESOURCE)) {
            return FileDescriptorSet.parseFrom(in);
        }
    }

    private static Map<String, FileDescriptor> byPackage(List<FileDescriptor> files) {
        return files.stream().collect(Collectors.toMap(FileDescriptor::getPackage, Function.identity()));
    }

    @Test
    void buildsExactlyTheFourGroupsUnderKubesPackages() {
        Map<String, FileDescriptor> files = byPackage(KubeGroupFiles.load(PROVIDED));
        assertEquals(Set.of("k8s.io.api.coordination.v1", "k8s.io.api.discovery.v1", "k8s.io.api.events.v1",
                "k8s.io.api.node.v1"), files.keySet());
        assertTrue(files.get("k8s.io.api.coordination.v1").findMessageTypeByName("Lease") != null);
        assertTrue(files.get("k8s.io.api.discovery.v1").findMessageTypeByName("EndpointSlice") != null);
        assertTrue(files.get("k8s.io.api.events.v1").findMessageTypeByName("Event") != null);
        assertTrue(files.get("k8s.io.api.node.v1").findMessageTypeByName("RuntimeClass") != null);
    }

    @Test
    void importsAreClientJavaProtosOwnMessages() {
        Map<String, FileDescriptor> files = byPackage(KubeGroupFiles.load(PROVIDED));
        Descriptor lease = files.get("k8s.io.api.coordination.v1").findMessageTypeByName("Lease");
        assertSame(Meta.getDescriptor().findMessageTypeByName("ObjectMeta"),
                lease.findFieldByName("metadata").getMessageType());
        Descriptor spec = files.get("k8s.io.api.coordination.v1").findMessageTypeByName("LeaseSpec");
        assertSame(Meta.getDescriptor().findMessageTypeByName("MicroTime"),
                spec.findFieldByName("renewTime").getMessageType());
        Descriptor endpoint = files.get("k8s.io.api.discovery.v1").findMessageTypeByName("Endpoint");
        assertSame(V1.getDescriptor().findMessageTypeByName("ObjectReference"),
                endpoint.findFieldByName("targetRef").getMessageType());
        Descriptor overhead = files.get("k8s.io.api.node.v1").findMessageTypeByName("Overhead");
        Descriptor podFixedEntry = overhead.findFieldByName("podFixed").getMessageType();
        assertSame(Resource.getDescriptor().findMessageTypeByName("Quantity"),
                podFixedEntry.findFieldByName("value").getMessageType());
    }

    @Test
    void linksAnImportByItsPackageWhateverTheFileIsCalled() throws Exception {
        FileDescriptorSet.Builder set = resource().toBuilder();
        for (FileDescriptorProto.Builder f : set.getFileBuilderList()) {
            if (f.getName().equals(META_FILE)) {
                f.setName("elsewhere/meta.proto");
            }
            for (int i = 0; i < f.getDependencyCount(); i++) {
                if (f.getDependency(i).equals(META_FILE)) {
                    f.setDependency(i, "elsewhere/meta.proto");
                }
            }
        }
        Map<String, FileDescriptor> files = byPackage(KubeGroupFiles.build(set.build(), PROVIDED));
        FileDescriptor coordination = files.get("k8s.io.api.coordination.v1");
        assertTrue(coordination.getDependencies().contains(Meta.getDescriptor()));
        assertSame(Meta.getDescriptor().findMessageTypeByName("ObjectMeta"),
                coordination.findMessageTypeByName("Lease").findFieldByName("metadata").getMessageType());
    }

    @Test
    void anImportTheSetDoesNotHoldIsAnError() throws Exception {
        FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
        for (FileDescriptorProto f : resource().getFileList()) {
            if (!f.getName().equals(META_FILE)) {
                set.addFile(f);
            }
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KubeGroupFiles.build(set.build(), PROVIDED));
        assertTrue(e.getMessage().contains("imports " + META_FILE), e.getMessage());
    }

    @Test
    void aProvidedFileWithoutTheImportedMessagesIsAnError() throws Exception {
        FileDescriptor emptyMeta = FileDescriptor.buildFrom(FileDescriptorProto.newBuilder()
                .setName("empty-meta.proto").setPackage("k8s.io.apimachinery.pkg.apis.meta.v1").build(),
                new FileDescriptor[0]);
        List<FileDescriptor> provided = List.of(V1.getDescriptor(), emptyMeta,
                io.kubernetes.client.proto.Runtime.getDescriptor(), RuntimeSchema.getDescriptor(),
                Resource.getDescriptor(), IntStr.getDescriptor());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KubeGroupFiles.build(resource(), provided));
        assertTrue(e.getMessage().contains("does not build against client-java-proto"), e.getMessage());
    }
}
