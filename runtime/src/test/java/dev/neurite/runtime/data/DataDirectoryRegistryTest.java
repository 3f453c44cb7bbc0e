package dev.neurite.runtime.data;

import dev.neurite.api.data.Dataset;
import dev.neurite.api.data.DatasetException;
import dev.neurite.api.data.DatasetInfo;
import dev.neurite.runtime.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataDirectoryRegistryTest {

    @TempDir
    Path temp;

    @Test
    void findsTheSharedSetsVerifiedAndLoadsMnistTest() throws DatasetException {
        DataDirectoryRegistry registry = new DataDirectoryRegistry(List.of(TestData.datasets()));
        List<String> names = registry.list().stream().map(DatasetInfo::name).collect(Collectors.toList());
        assertTrue(names.containsAll(List.of("mnist/train", "mnist/test", "fashion-mnist/train", "fashion-mnist/test",
                "blobs/train", "blobs/test")), names.toString());
        assertTrue(registry.list().stream().filter(d -> d.name().startsWith("mnist/")).allMatch(DatasetInfo::verified));

        Dataset test = registry.open("mnist/test");
        assertEquals(10_000, test.size());
        assertEquals(784, test.featureSize());
        assertEquals(10, test.numClasses());
        assertEquals(7, test.label(0), "the first MNIST test digit is a 7");
        float[] pixels = new float[784];
        test.copyFeatures(0, pixels, 0);
        float max = 0;
        for (float p : pixels) {
            assertTrue(p >= 0 && p <= 1);
            max = Math.max(max, p);
        }
        assertEquals(1f, max, "pixels are scaled to [0, 1]");
        assertSame(test, registry.open("mnist/test"), "an opened set is cached");
    }

    @Test
    void aCorruptFileIsNamedWithBothChecksums() throws IOException {
        Path mnist = Files.createDirectories(temp.resolve("mnist"));
        for (String file : new String[] {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            Files.copy(TestData.datasets().resolve("mnist").resolve(file), mnist.resolve(file));
        }
        Files.copy(TestData.datasets().resolve("SHA256SUMS"), temp.resolve("SHA256SUMS"));
        Path labels = mnist.resolve("t10k-labels-idx1-ubyte.gz");
        byte[] bytes = Files.readAllBytes(labels);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(labels, bytes);

        DataDirectoryRegistry registry = new DataDirectoryRegistry(List.of(temp));
        DatasetException e = assertThrows(DatasetException.class, () -> registry.open("mnist/test"));
        assertEquals(labels.toAbsolutePath().toString(), e.file());
        assertTrue(e.getMessage().contains(labels.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"), e.getMessage());
        assertTrue(e.getMessage().contains("SHA-256 is " + Checksums.sha256(bytes)), e.getMessage());
    }

    @Test
    void malformedIdxFilesAreRefusedWithTheReason() throws IOException {
        Path digits = Files.createDirectories(temp.resolve("digits"));
        // 3 images of 2x2, but only 2 labels.
        Files.write(digits.resolve("train-images-idx3-ubyte"), idx(0x0803, new int[] {3, 2, 2}, new byte[12]));
        Files.write(digits.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(0x0801, new int[] {2}, new byte[] {0, 1})));
        DataDirectoryRegistry registry = new DataDirectoryRegistry(List.of(temp));
        DatasetException e = assertThrows(DatasetException.class, () -> registry.open("digits/train"));
        assertTrue(e.getMessage().contains("3 examples") && e.getMessage().contains("2 labels"), e.getMessage());

        Files.write(digits.resolve("train-images-idx3-ubyte"), idx(0x0803, new int[] {3, 2, 2}, new byte[11]));
        e = assertThrows(DatasetException.class, () -> new DataDirectoryRegistry(List.of(temp)).open("digits/train"));
        assertTrue(e.getMessage().contains("holds 11"), e.getMessage());

        Files.write(digits.resolve("train-images-idx3-ubyte"), "not an idx file".getBytes());
        e = assertThrows(DatasetException.class, () -> new DataDirectoryRegistry(List.of(temp)).open("digits/train"));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void unknownNamesListWhatIsKnown() {
        DataDirectoryRegistry registry = new DataDirectoryRegistry(List.of(temp));
        DatasetException e = assertThrows(DatasetException.class, () -> registry.open("cifar/train"));
        assertTrue(e.getMessage().contains("blobs/train"), e.getMessage());
    }

    @Test
    void generatedBlobsAreDeterministicAndSeparable() throws DatasetException {
        DataDirectoryRegistry registry = new DataDirectoryRegistry(List.of());
        Dataset a = registry.open("blobs/train");
        Dataset b = new GaussianBlobs("blobs/train", 4000, 1);
        float[] x = new float[32];
        float[] y = new float[32];
        a.copyFeatures(123, x, 0);
        b.copyFeatures(123, y, 0);
        assertEquals(java.util.Arrays.toString(x), java.util.Arrays.toString(y));
        assertEquals(10, a.numClasses());
    }

    private static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        buffer.putInt(magic);
        for (int d : dims) {
            buffer.putInt(d);
        }
        buffer.put(data);
        return buffer.array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
