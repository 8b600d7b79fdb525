import Foundation
import HallModel
import TestSupport
import Testing

/// The event stream under a client that stops reading (a TV page on a bad link): it is cut off once its
/// bounded queue is full, the daemon's memory does not grow with it, and a client that reads sees every
/// event, resuming with Last-Event-ID if it was ever cut off.
@Suite struct SlowClientTests {
    static func residentKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// The ids of the SSE messages in `text`.
    static func ids(_ text: String) -> [Int64] {
        text.split(separator: "\n").compactMap { $0.hasPrefix("id: ") ? Int64($0.dropFirst(4)) : nil }
    }

    @Test func aClientThatStopsReadingIsCutOffAndMemoryStaysBounded() async throws {
        try await TestServer.with { s in
            let total = 20_000
            // The slow client: asks for the stream, reads the head, then reads nothing.
            let slow = try RawSocket(port: s.port, timeoutSeconds: 30, receiveBuffer: 4096)
            try slow.send(Array("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t-display\r\n\r\n".utf8))
            #expect(try slow.readHead().0 == 200)
            #expect(await eventually(5) { s.hall.hub.subscriberCount == 1 })
            // The reading client, resuming with Last-Event-ID whenever its stream ends.
            let reader = Task { () throws -> (ids: [Int64], connections: Int) in
                var ids: [Int64] = [], connections = 0
                while ids.count < total + 1 && connections < 20 {
                    connections += 1
                    let (status, messages) = try await RawHTTP.events(port: s.port, path: "/api/events", token: "t-display",
                                                                      lastEventID: ids.last, count: total + 1 - ids.count)
                    guard status == 200 else { break }
                    ids += messages.compactMap(\.id)
                }
                return (ids, connections)
            }
            #expect(await eventually(5) { s.hall.hub.subscriberCount == 2 })
            let before = Self.residentKiB()
            // 20 000 tickets (and the day's start): group commits from 20 concurrent issuers.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask { for _ in 0..<(total / 20) { try await s.hall.execute(.issueTicket(category: "hukou", priority: false)) } }
                }
                try await group.waitForAll()
            }
            let (ids, connections) = try await reader.value
            let growth = Self.residentKiB() - before
            #expect(ids == Array(1...Int64(total + 1)), "every event once, in order (\(ids.count) read)")
            #expect(connections <= 3, "the reading client kept up: \(connections) connections")
            #expect(growth < 64 * 1024, "resident memory grew by \(growth) KiB")
            // The slow client was cut off: reading now, it gets what was queued and then the end of its stream.
            let text = try await offload { () throws -> String in
                var data = [UInt8]()
                while let chunk = try slow.readChunk() { data += chunk }
                return String(decoding: data, as: UTF8.self)
            }
            let got = Self.ids(text)
            // (What it still gets was in the kernel's socket buffers, a few MB on loopback, and its 1024-event queue.)
            #expect(!got.isEmpty && got.count < total + 1, "the slow client got \(got.count) of \(total + 1) before it was cut off; growth \(growth) KiB")
            #expect(got == Array(1...Int64(got.count)), "what it got is in order, from the first")
        }
    }
}
