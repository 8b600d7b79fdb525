import Codecs
import TOMLKit

/// The one way counterd turns TOML text into a table: `TOMLPrecheck` first (the parser aborts on some
/// malformed headers instead of reporting them), then TOMLKit.
public enum TOMLText {
    public static func table(_ text: String) throws -> TOMLTable {
        if let problem = TOMLPrecheck.problem(in: text) { throw problem }
        return try TOMLTable(string: text)
    }
}
