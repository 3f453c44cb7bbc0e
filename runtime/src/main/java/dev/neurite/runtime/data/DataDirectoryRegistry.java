package dev.neurite.runtime.data;

import dev.neurite.api.data.Dataset;
import dev.neurite.api.data.DatasetException;
import dev.neurite.api.data.DatasetInfo;
import dev.neurite.api.data.DatasetRegistry;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Datasets found in data directories, plus the generated {@code blobs} set. A directory that
 * holds MNIST-style IDX files ({@code train-images-idx3-ubyte[.gz]} and friends) becomes the
 * datasets {@code <dir>/train} and {@code <dir>/test}; so does each of its subdirectories.
 * Loaded sets are cached behind soft references, so memory pressure can reclaim them.
 */
public class DataDirectoryRegistry implements DatasetRegistry {

    public static final String BLOBS = "blobs";
    private static final String[][] SPLITS = {{"train", "train"}, {"test", "t10k"}};

    private record Source(String name, Path directory, Path images, Path labels) {
    }

    private final List<Path> directories;
    private final Map<String, SoftReference<Dataset>> cache = new ConcurrentHashMap<>();

    public DataDirectoryRegistry(List<Path> directories) {
        this.directories = List.copyOf(directories);
    }

    public List<Path> directories() {
        return directories;
    }

    @Override
    public List<DatasetInfo> list() {
        List<DatasetInfo> result = new ArrayList<>();
        for (Source source : discover().values()) {
            boolean verified;
            try {
                Checksums sums = Checksums.near(source.directory());
                verified = sums.expected(source.images()).isPresent() && sums.expected(source.labels()).isPresent();
            } catch (IOException e) {
                verified = false;
            }
            result.add(new DatasetInfo(source.name(), source.directory().toString(), "idx", verified));
        }
        result.add(new DatasetInfo(BLOBS + "/train", "generated", "generated", true));
        result.add(new DatasetInfo(BLOBS + "/test", "generated", "generated", true));
        return result;
    }

    /** Whether {@link #open(String)} would find the name (without loading it). */
    public boolean exists(String name) {
        return name.equals(BLOBS + "/train") || name.equals(BLOBS + "/test") || discover().containsKey(name);
    }

    @Override
    public Dataset open(String name) throws DatasetException {
        SoftReference<Dataset> cached = cache.get(name);
        Dataset dataset = cached == null ? null : cached.get();
        if (dataset != null) {
            return dataset;
        }
        synchronized (this) {
            cached = cache.get(name);
            dataset = cached == null ? null : cached.get();
            if (dataset == null) {
                dataset = load(name);
                cache.put(name, new SoftReference<>(dataset));
            }
            return dataset;
        }
    }

    private Dataset load(String name) throws DatasetException {
        if (name.equals(BLOBS + "/train")) {
            return new GaussianBlobs(name, 4000, 1);
        }
        if (name.equals(BLOBS + "/test")) {
            return new GaussianBlobs(name, 1000, 2);
        }
        Source source = discover().get(name);
        if (source == null) {
            throw new DatasetException("Unknown dataset '" + name + "'; known: " + discover().keySet()
                    + " and " + BLOBS + "/train, " + BLOBS + "/test (data directories: " + directories + ")", null);
        }
        Checksums sums;
        try {
            sums = Checksums.near(source.directory());
        } catch (IOException e) {
            throw new DatasetException("Checksum list near " + source.directory() + " cannot be read: " + e.getMessage(),
                    source.directory().resolve(Checksums.FILE_NAME).toString(), e);
        }
        IdxFiles.Idx images = IdxFiles.read(source.images(), sums);
        IdxFiles.Idx labels = IdxFiles.read(source.labels(), sums);
        if (images.dims().length < 2) {
            throw new DatasetException("Dataset file " + source.images() + " is not an image file (rank "
                    + images.dims().length + ")", source.images().toString());
        }
        if (labels.dims().length != 1 || labels.dims()[0] != images.dims()[0]) {
            throw new DatasetException("Dataset files disagree: " + source.images() + " holds " + images.dims()[0]
                    + " examples but " + source.labels() + " holds " + labels.dims()[0] + " labels", source.labels().toString());
        }
        int[] shape = java.util.Arrays.copyOfRange(images.dims(), 1, images.dims().length);
        return new ByteImageDataset(name, shape, images.data(), labels.data());
    }

    private Map<String, Source> discover() {
        Map<String, Source> found = new LinkedHashMap<>();
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            addSource(found, dir);
            try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
                List<Path> sorted = new ArrayList<>();
                children.forEach(sorted::add);
                sorted.sort(null);
                for (Path child : sorted) {
                    addSource(found, child);
                }
            } catch (IOException e) {
                // An unreadable directory contributes nothing; the others still count.
            }
        }
        return found;
    }

    private static void addSource(Map<String, Source> found, Path dir) {
        String family = dir.getFileName() == null ? "data" : dir.getFileName().toString();
        for (String[] split : SPLITS) {
            Optional<Path> images = idxFile(dir, split[1] + "-images-idx3-ubyte");
            Optional<Path> labels = idxFile(dir, split[1] + "-labels-idx1-ubyte");
            if (images.isPresent() && labels.isPresent()) {
                found.putIfAbsent(family + "/" + split[0], new Source(family + "/" + split[0], dir, images.get(), labels.get()));
            }
        }
    }

    private static Optional<Path> idxFile(Path dir, String base) {
        for (String candidate : new String[] {base + ".gz", base}) {
            Path file = dir.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return Optional.of(file.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }
}
