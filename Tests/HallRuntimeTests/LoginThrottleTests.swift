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

/// Every failed authentication: twenty a minute are answered at once, then each waits 50 ms doubling up to
/// 2 s; a minute later the count has drained. Constant-time equality agrees with `==`.
@Suite struct AuthFailuresTests {
    @Test func freeThenSlowedThenDrained() {
        let f = AuthFailures()
        let start = Date(timeIntervalSince1970: 1_795_399_200)
        let delays = (0..<30).map { f.failed(now: start.addingTimeInterval(Double($0) * 0.1)) }
        #expect(delays.prefix(20).allSatisfy { $0 == 0 })
        #expect(Array(delays[20...23]) == [0.05, 0.1, 0.2, 0.4])
        #expect(delays.last == 2)
        #expect(f.count(now: start.addingTimeInterval(3)) == 30)
        #expect(f.failed(now: start.addingTimeInterval(70)) == 0, "failures older than a minute no longer count")
    }

    @Test func constantTimeEqualityIsEquality() {
        #expect(ConstantTime.equal("0000", "0000"))
        #expect(!ConstantTime.equal("0000", "0001"))
        #expect(!ConstantTime.equal("0000", "00000"))
        #expect(!ConstantTime.equal("", "0"))
        #expect(ConstantTime.equal("", ""))
    }
}
