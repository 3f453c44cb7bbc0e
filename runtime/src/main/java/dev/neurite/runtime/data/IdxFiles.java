package dev.neurite.runtime.data;

import dev.neurite.api.data.DatasetException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST-family files: a big-endian magic (0x0000 08 NN: unsigned bytes,
 * NN dimensions), the dimension sizes, then the data. Gzip-compressed files are recognised
 * by their content, not their name.
 */
final class IdxFiles {

    /** Decoded IDX content: dimensions and unsigned-byte data. */
    record Idx(int[] dims, byte[] data) {
    }

    private IdxFiles() {
    }

    /** Reads, verifies against {@code sums} and decodes one IDX file. */
    static Idx read(Path file, Checksums sums) throws DatasetException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetException("Dataset file " + file + " cannot be read: " + e.getMessage(), file.toString(), e);
        }
        Optional<Checksums.Expected> expected = sums.expected(file);
        if (expected.isPresent()) {
            String actual = Checksums.sha256(raw);
            if (!actual.equals(expected.get().sha256())) {
                throw new DatasetException("Dataset file " + file + " is corrupt or was replaced: its SHA-256 is "
                        + actual + ", expected " + expected.get().sha256() + " (listed in "
                        + expected.get().listedIn() + ")", file.toString());
            }
        }
        byte[] bytes = raw;
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new DatasetException("Dataset file " + file + " is not valid gzip: " + e.getMessage(), file.toString(), e);
            }
        }
        return decode(bytes, file);
    }

    static Idx decode(byte[] bytes, Path file) throws DatasetException {
        if (bytes.length < 4 || bytes[0] != 0 || bytes[1] != 0) {
            throw new DatasetException("Dataset file " + file + " is not an IDX file (bad magic number)", file.toString());
        }
        if (bytes[2] != 0x08) {
            throw new DatasetException("Dataset file " + file + " holds IDX type 0x" + Integer.toHexString(bytes[2] & 0xff)
                    + "; only unsigned bytes (0x08) are supported", file.toString());
        }
        int rank = bytes[3] & 0xff;
        if (rank < 1 || bytes.length < 4 + 4L * rank) {
            throw new DatasetException("Dataset file " + file + " has a truncated IDX header", file.toString());
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.position(4);
        int[] dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = buffer.getInt();
            if (dims[i] < 0) {
                throw new DatasetException("Dataset file " + file + " declares a negative dimension", file.toString());
            }
            count *= dims[i];
        }
        int headerLength = 4 + 4 * rank;
        if (bytes.length - headerLength != count) {
            throw new DatasetException("Dataset file " + file + " declares dimensions " + Arrays.toString(dims) + " ("
                    + count + " values) but holds " + (bytes.length - headerLength), file.toString());
        }
        return new Idx(dims, Arrays.copyOfRange(bytes, headerLength, bytes.length));
    }
}
