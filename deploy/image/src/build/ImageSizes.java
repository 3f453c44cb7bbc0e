import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Prints the size of each image as jar and as archive, one table row per image, during the
 * build's package phase: args are the build directory, the version and the image names.
 * Fails when an image is missing, so a broken export cannot go unnoticed.
 */
public class ImageSizes {

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0]);
        String version = args[1];
        String row = "IMAGE-SIZES %-6s %-22s %10s   %-38s %10s%n";
        System.out.printf(Locale.ROOT, row, "image", "jar", "size", "archive", "size");
        for (int i = 2; i < args.length; i++) {
            Path jar = target.resolve("neurite-" + args[i] + ".jar");
            Path archive = target.resolve("neurite-" + args[i] + "-" + version + ".tar.gz");
            System.out.printf(Locale.ROOT, row, args[i], jar.getFileName(), mib(jar), archive.getFileName(), mib(archive));
        }
    }

    private static String mib(Path file) throws IOException {
        return String.format(Locale.ROOT, "%.1f MiB", Files.size(file) / (1024.0 * 1024.0));
    }
}
