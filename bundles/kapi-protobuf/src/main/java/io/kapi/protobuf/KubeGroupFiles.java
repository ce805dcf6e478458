package io.kapi.protobuf;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The descriptors of the API groups client-java-proto has no generated file for
 * (coordination.k8s.io/v1, discovery.k8s.io/v1, events.k8s.io/v1, node.k8s.io/v1), built from
 * kube's own {@code generated.proto} files compiled by protoc into the {@code kube-groups.pb}
 * resource (see {@code kube-groups.README}).
 *
 * <p>Their imports are linked to the descriptors client-java-proto already has rather than built
 * a second time, so that a Lease's {@code ObjectMeta} is the same message as every other kind's:
 * each file of the set whose proto package one of the given files has stands for that file, and
 * the files that import it are rebuilt with the dependency renamed to it ({@code buildFrom}
 * requires the names to match). Only the remaining files, the groups, are built and returned.
 */
final class KubeGroupFiles {
    /** The descriptor set, beside this class. */
    static final String RESOURCE = "kube-groups.pb";

    private KubeGroupFiles() {
    }

    /**
     * The group files of {@link #RESOURCE}, linked to {@code provided}.
     *
     * @throws IllegalStateException when the resource is missing or does not build against
     *     {@code provided} (a message it uses is missing from client-java-proto): a packaging
     *     error, reported at class load rather than on the first Lease
     */
    static List<FileDescriptor> load(List<FileDescriptor> provided) {
        try (InputStream in = KubeGroupFiles.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the bundle");
            }
            return build(FileDescriptorSet.parseFrom(in), provided);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(RESOURCE + " is not a FileDescriptorSet", e);
        } catch (IOException e) {
            throw new IllegalStateException(RESOURCE + " cannot be read", e);
        }
    }

    /**
     * Builds the files of {@code set} whose package no file of {@code provided} has, in the set's
     * order (protoc writes a file's imports before it), each import resolved to the provided file
     * of the imported file's package or to a file built before it.
     */
    static List<FileDescriptor> build(FileDescriptorSet set, List<FileDescriptor> provided) {
        Map<String, FileDescriptor> byPackage = new HashMap<>();
        for (FileDescriptor f : provided) {
            byPackage.putIfAbsent(f.getPackage(), f);
        }
        Map<String, FileDescriptor> byName = new HashMap<>();
        List<FileDescriptor> built = new ArrayList<>();
        for (FileDescriptorProto file : set.getFileList()) {
            FileDescriptor existing = byPackage.get(file.getPackage());
            if (existing != null) {
                byName.put(file.getName(), existing);
                continue;
            }
            FileDescriptor[] deps = new FileDescriptor[file.getDependencyCount()];
            FileDescriptorProto.Builder linked = file.toBuilder().clearDependency();
            for (int i = 0; i < deps.length; i++) {
                deps[i] = byName.get(file.getDependency(i));
                if (deps[i] == null) {
                    throw new IllegalStateException(file.getName() + " imports " + file.getDependency(i)
                            + ", which the descriptor set does not hold before it");
                }
                linked.addDependency(deps[i].getName());
            }
            try {
                FileDescriptor fd = FileDescriptor.buildFrom(linked.build(), deps);
                byName.put(file.getName(), fd);
                built.add(fd);
            } catch (DescriptorValidationException e) {
                throw new IllegalStateException(file.getName() + " does not build against client-java-proto: "
                        + e.getMessage(), e);
            }
        }
        return List.copyOf(built);
    }
}
