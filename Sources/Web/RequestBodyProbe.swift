import Foundation
import HallAPI
import HallModel
import HallRuntime
import Kiosk

/// Every JSON body the API reads, decoded from one byte string the way its route decodes it, with the
/// route's own checks where they need no database: what the fuzzer (`counterd-fuzz json`) and its corpus
/// test drive. A body that decodes as nothing is normal; a trap or a hang here is a bug.
/// `POST /api/appointments` with a batch: `{"appointments": [...]}` (one appointment alone is the other form).
struct AppointmentBatch: Decodable { var appointments: [AppointmentInput] }

public enum RequestBodyProbe {
    /// How many of the body types `bytes` decoded as (the fuzzer only needs it not to crash).
    @discardableResult
    public static func decodeEvery(_ bytes: [UInt8], rules: RatingRules, setup: HallSetup, now: Date) -> Int {
        let data = Data(bytes)
        var decoded = 0
        func attempt<T: Decodable>(_ type: T.Type, check: (T) throws -> Void = { _ in }) {
            do {
                let value = try JSON.decoder.decode(type, from: data)
                decoded += 1
                try check(value)
            } catch {
                // The text of a 400 is built from the error for every body that fails: it must not trap either.
                _ = JSON.describe(error)
            }
        }
        attempt(Bodies.KioskTicket.self)
        attempt(Bodies.ReprintPIN.self)
        attempt(Bodies.MoveTicket.self)
        attempt(Bodies.Notice.self) { _ = $0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        attempt(Bodies.CheckIn.self)
        attempt(Bodies.SetupSection.self)
        // The generated operations' bodies, decoded as the generated server does (keys from the contract), and the
        // refusal's words built as `APIErrorMapping` builds them.
        func generated<T: Decodable>(_ type: T.Type, _ operation: String) {
            do {
                _ = try JSON.contractDecoder.decode(type, from: data)
                decoded += 1
            } catch {
                _ = ContractFields.shared.describe(error, operation: operation)
            }
        }
        generated(Operations.CaseContact.Input.Body.JsonPayload.self, "caseContact")
        generated(Operations.CaseRectify.Input.Body.JsonPayload.self, "caseRectify")
        generated(Operations.CaseClose.Input.Body.JsonPayload.self, "caseClose")
        generated(Operations.CaseAssign.Input.Body.JsonPayload.self, "caseAssign")
        generated(Operations.NewToken.Input.Body.JsonPayload.self, "newToken")
        generated(Operations.ResetClerkPIN.Input.Body.JsonPayload.self, "resetClerkPIN")
        attempt(Bodies.IssueTicket.self)
        attempt(Bodies.SignIn.self)
        attempt(Bodies.CallBack.self)
        attempt(Bodies.CallTicket.self)
        attempt(Bodies.Requeue.self)
        attempt(Bodies.Transfer.self)
        attempt(Bodies.Finish.self) { if let o = $0.outcome { _ = Outcome(rawValue: o) } }
        attempt(Bodies.RatingReasons.self) { b in
            _ = try RatingInput(level: 1, reasons: b.reasons, comment: b.comment, phone: b.phone).checked(rules)
        }
        attempt(Bodies.Login.self)
        attempt(RatingInput.self) { _ = try $0.checked(rules) }
        attempt(AppointmentBatch.self) { batch in
            for a in batch.appointments.prefix(50) { _ = AppointmentIntake.check(a, setup: setup, bookedAt: now) }
        }
        attempt(AppointmentInput.self) { _ = AppointmentIntake.check($0, setup: setup, bookedAt: now) }
        return decoded
    }
}
