import Codecs
import Testing
@testable import Devices

/// The display bus scheduler as a pure state machine, with time as plain seconds.
@Suite struct DisplaySchedulerTests {
    static func text(_ s: String) -> DisplayFrame { .bytes(Array(s.utf8)) }

    @Test func framesKeepTheGap() {
        var s = DisplayScheduler(gap: 0.3)
        s.submit(Self.text("1"), to: 1, priority: .idle)
        s.submit(Self.text("2"), to: 2, priority: .idle)
        let first = s.next(now: 0)
        #expect(first != nil)
        s.completed(first!, ok: true, now: 0)
        #expect(s.next(now: 0.29) == nil, "a second frame inside the gap")
        #expect(s.wake(now: 0.29) == 0.3)
        #expect(s.next(now: 0.3) != nil)
    }

    @Test func aCallPreemptsIdleTextAndRefreshes() {
        var s = DisplayScheduler(gap: 0.1)
        s.submit(Self.text("idle1"), to: 1, priority: .idle)
        s.submit(Self.text("idle2"), to: 2, priority: .idle)
        s.submit(Self.text("call3"), to: 3, priority: .call)
        #expect(s.next(now: 0)?.address == 3)
    }

    @Test func theNewestContentWinsAndOlderIsNeverSent() {
        var s = DisplayScheduler(gap: 0.1)
        s.submit(Self.text("A001"), to: 1, priority: .call)
        s.submit(Self.text("A002"), to: 1, priority: .call)
        let job = s.next(now: 0)
        #expect(job?.frame == Self.text("A002"))
        s.completed(job!, ok: true, now: 0)
        #expect(s.next(now: 1) == nil, "the superseded call was sent after all")
        // While a frame is in flight, a newer one waits and is sent next; the old one is not retried over it.
        s.submit(Self.text("A003"), to: 1, priority: .call)
        let inFlight = s.next(now: 2)!
        s.submit(Self.text("A004"), to: 1, priority: .call)
        s.completed(inFlight, ok: false, now: 2)
        #expect(s.next(now: 3)?.frame == Self.text("A004"))
    }

    @Test func screensOfEqualPriorityTakeTurns() {
        var s = DisplayScheduler(gap: 0.1, refreshSeconds: 1000)
        var order: [UInt8] = []
        var t = 0.0
        for _ in 0..<3 {
            for a: UInt8 in [1, 2, 3] { s.submit(Self.text("x\(a)"), to: a, priority: .idle) }
            for _ in 0..<3 {
                let job = s.next(now: t)!
                order.append(job.address)
                s.completed(job, ok: true, now: t)
                t += 0.1
            }
        }
        #expect(order == [1, 2, 3, 1, 2, 3, 1, 2, 3])
    }

    @Test func aDeadScreenIsRetriedBoundedlyAndThenOnlyNowAndThen() {
        var s = DisplayScheduler(gap: 0.02, retries: 2, refreshSeconds: 1000, deadRetrySeconds: 5)
        s.submit(Self.text("dead"), to: 9, priority: .call)
        s.submit(Self.text("ok"), to: 1, priority: .call)
        var t = 0.0
        var sentTo: [UInt8] = []
        var died = false
        while t < 1 {
            if let job = s.next(now: t) {
                sentTo.append(job.address)
                died = s.completed(job, ok: job.address != 9, now: t) || died
            }
            t += 0.02
        }
        #expect(died && s.deadScreens == [9])
        #expect(sentTo.filter { $0 == 9 }.count == 2, "attempts at the dead screen: \(sentTo)")
        #expect(sentTo.contains(1))
        // A call to a live screen goes at once although the dead one still has content waiting.
        s.submit(Self.text("new"), to: 1, priority: .call)
        #expect(s.next(now: 1.0)?.address == 1)
        // After deadRetrySeconds the dead screen gets one more try.
        var retried = false
        t = 1.1
        while t < 6 {
            if let job = s.next(now: t) {
                if job.address == 9 { retried = true }
                s.completed(job, ok: job.address != 9, now: t)
            }
            t += 0.05
        }
        #expect(retried)
    }

    @Test func shownContentIsRefreshedAtLowPriority() {
        var s = DisplayScheduler(gap: 0.1, refreshSeconds: 10)
        s.submit(Self.text("A001"), to: 1, priority: .call)
        let job = s.next(now: 0)!
        s.completed(job, ok: true, now: 0)
        #expect(s.next(now: 9) == nil)
        let again = s.next(now: 10)
        #expect(again?.frame == Self.text("A001") && again?.priority == .refresh)
    }
}
