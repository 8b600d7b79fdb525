import Foundation
import Hummingbird
import Synchronization
import TestSupport
import Testing
@testable import District

/// The district's deadline on database work: an answer in time passes through (value or error), a late one is a 503
/// in Chinese and the work is cancelled.
@Suite struct DeadlineTests {
    @Test func anAnswerInTimePassesThrough() async throws {
        #expect(try await Deadline.answered(within: 5) { 42 } == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await Deadline.answered(within: 5) { () async throws -> Int in throw Refused() } }
    }

    @Test(.timeLimit(.minutes(1))) func aLateAnswerIsA503AndTheWorkIsCancelled() async throws {
        let cancelled = Mutex(false)
        do {
            _ = try await Deadline.answered(within: 0.2) { () async throws -> Int in
                do { try await Task.sleep(for: .seconds(30)) } catch { cancelled.withLock { $0 = true }; throw error }
                return 1
            }
            Issue.record("a late answer passed")
        } catch let error as DistrictError {
            #expect(error.status == .serviceUnavailable && error.code == "database_slow" && error.messageZh.contains("秒内没有回应"), "\(error)")
        }
        #expect(await eventually(5) { cancelled.withLock { $0 } }, "the late work was not cancelled")
    }
}
