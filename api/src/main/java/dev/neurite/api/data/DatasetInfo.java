package dev.neurite.api.data;

/**
 * A dataset the registry can open, described without loading it.
 *
 * @param name     registry name, for example {@code mnist/train}
 * @param source   where it comes from: a directory, or {@code generated}
 * @param format   storage format, for example {@code idx} or {@code generated}
 * @param verified whether a SHA-256 list covers its files
 */
public record DatasetInfo(String name, String source, String format, boolean verified) {
}
