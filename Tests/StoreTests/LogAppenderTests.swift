import Foundation
import HallModel
import Store
import Testing

/// One appender per store at a time: whoever holds it (the Hall, for its whole life) is the only one who can append.
@Suite struct LogAppenderTests {
    @Test func aSecondClaimIsRefusedUntilTheFirstIsGivenUp() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("a.sqlite"))
        var first: LogAppender? = try store.claimAppender()
        #expect(throws: LogAppender.Claimed.self) { _ = try store.claimAppender() }
        // A copy of the store is the same store: no way around the claim.
        let copy = store
        #expect(throws: LogAppender.Claimed.self) { _ = try copy.claimAppender() }
        #expect(try first?.appendNow([EventStoreTests.dayStarted]).count == 1)
        first = nil
        let second = try store.claimAppender()
        #expect(try second.appendNow([EventStoreTests.dayStarted]).map(\.seq) == [2])
    }
}
