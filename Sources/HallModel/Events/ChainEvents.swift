/// Where the log's hash chain begins on a database that kept events before it had one: the chain's value
/// over those older rows (each row `SHA-256(previous ‖ seq ‖ payload)`, from 32 zero bytes), so an edit of
/// them shows too, though their rows carry no hash of their own.
public struct ChainAnchored: EventPayload {
    /// The last seq the digest covers.
    public var coversSeq: Int64
    /// The chain's value after row `coversSeq`, in hex.
    public var digest: String

    public init(coversSeq: Int64, digest: String) {
        self.coversSeq = coversSeq
        self.digest = digest
    }
}
