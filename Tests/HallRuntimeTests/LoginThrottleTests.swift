import Access
import Foundation
import Testing

/// Wrong passwords with the time passed in: five are free, then each try waits 30 s doubling up to 15 min;
/// a success clears the name; names guessed once do not grow the table past its bound.
@Suite struct LoginThrottleTests {
    @Test func freeThenDoublingThenClearedAndBounded() {
        let t = LoginThrottle()
        let start = Date(timeIntervalSince1970: 1_795_399_200)
        for i in 0..<5 {
            #expect(t.wait(login: "Wang", now: start) == nil, "try \(i + 1) is free")
            t.failed(login: "wang", now: start)
        }
        #expect(t.wait(login: "WANG", now: start) == 30, "names are compared without case")
        #expect(t.wait(login: "wang", now: start.addingTimeInterval(30)) == nil)
        t.failed(login: "wang", now: start.addingTimeInterval(30))
        #expect(t.wait(login: "wang", now: start.addingTimeInterval(30)) == 60)
        t.succeeded(login: "wang")
        #expect(t.wait(login: "wang", now: start.addingTimeInterval(31)) == nil)
        // Failures older than the window no longer count.
        for _ in 0..<5 { t.failed(login: "li", now: start) }
        #expect(t.wait(login: "li", now: start.addingTimeInterval(901)) == nil)
        // Ten thousand and more names tried once, long ago, are dropped once the bound is passed.
        for i in 0...LoginThrottle.pruneAbove { t.failed(login: "guess\(i)", now: start) }
        t.failed(login: "late", now: start.addingTimeInterval(2000))
        #expect(t.tracked == 1, "\(t.tracked) names still held")
    }
}
