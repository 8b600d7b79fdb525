import Foundation
import HallModel
import LogFormat
import Testing

/// The hall and the district answer in one shape, and the hall still reads a district of the shape before it.
@Suite struct WireAnswerTests {
    @Test func aRefusalIsTheHallsErrorShapeWithWhatAHallNeedsToGoOn() throws {
        let gap = WireAnswer(acked: 41, error: .init(code: "gap", zh: "日志不连续：应从 seq 42 开始", en: "expected seq 42", expected: 42))
        let json = try #require(try JSONSerialization.jsonObject(with: WireCoding.apiEncoder().encode(gap)) as? [String: Any])
        let error = try #require(json["error"] as? [String: Any])
        #expect(json["acked"] as? Int == 41 && Set(error.keys) == ["code", "message_zh", "message_en", "expected"] && error["expected"] as? Int == 42)
        // Its keys are its own: the API's encoder (snake_case strategy) and a plain decoder agree.
        let data = try WireCoding.apiEncoder().encode(gap)
        #expect(try WireCoding.plainDecoder().decode(WireAnswer.self, from: data) == gap)
    }

    @Test func anOlderDistrictsMessageIsRead() throws {
        let old = Data(#"{"acked":7,"error":{"code":"chain_broken","message":"哈希链断开","message_en":"chain breaks","seq":8}}"#.utf8)
        let answer = try WireCoding.plainDecoder().decode(WireAnswer.self, from: old)
        #expect(answer.acked == 7 && answer.error?.code == "chain_broken" && answer.error?.messageZh == "哈希链断开" && answer.error?.seq == 8)
        #expect(try WireCoding.plainDecoder().decode(WireAnswer.self, from: Data(#"{"acked":12}"#.utf8)) == WireAnswer(acked: 12))
    }
}
