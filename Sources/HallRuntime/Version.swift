/// counterd's version: shown by `--version` and used for the Debian package.
public enum CounterdVersion {
    public static let version = "0.2.0"
}
